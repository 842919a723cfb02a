"""Configurable rules: every regulatory number is declared with a default and its source, and can be
changed by a city-bureau administrator from a stated date on — never rewriting past periods."""
