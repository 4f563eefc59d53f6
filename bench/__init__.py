"""Benchmarks of the everyday operations, not part of the tests: ``make bench``."""
