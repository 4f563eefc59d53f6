"""Benchmarks for issue 5 (not part of the tests): ``python -m bench`` / ``make bench``."""
