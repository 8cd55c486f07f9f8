"""`leadrelay rules simulate`: a proposed rule set against the baseline on the same exported leads."""
