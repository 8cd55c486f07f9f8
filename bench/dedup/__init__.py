"""名寄せ benchmark: synthetic leads with duplicates and hard negatives (python -m bench.dedup)."""
