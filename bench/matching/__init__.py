"""``python -m bench.matching``: throughput of the matching normalisers (domain.matching)."""
