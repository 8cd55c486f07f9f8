"""Batch 名寄せ (``leadrelay dedup``): streaming input, match keys, work spread over every core."""
