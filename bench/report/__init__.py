"""KPI report benchmark: a synthetic decision log of 100,000 leads read by ``leadrelay report``'s code."""
