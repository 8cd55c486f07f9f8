"""The rules benchmark: shipped rules beside a hand-written Python reference (`python -m bench.rules`)."""
