"""Hand-run benchmarks: ``python -m bench run`` and ``python -m bench api`` (bench/README.md)."""
