"""Benchmarks of the everyday operations (not part of the tests): ``python -m bench`` / ``make bench``."""
