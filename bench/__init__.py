"""Benchmarks, run by hand (`python -m bench.run`); figures go into bench/RESULTS.md, never into tests."""
