"""Benchmark harness and synthetic-city generator (``make bench``; see docs/performance.md)."""
