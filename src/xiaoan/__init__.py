"""Xiao'an (校安): school safety management."""
