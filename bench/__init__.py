"""Benchmarks. `python -m bench` runs every `bench_*.py` module here and writes
docs/benchmarks.md; `python -m bench engine` runs only bench_engine.py."""
