"""Ingress benchmark: webhook requests → webhook handler → ingest queue (moto) → processor → local org."""
