"""Benchmarks, run with `make bench` (`python -m bench`); results land in bench/results/."""
