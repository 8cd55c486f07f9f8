"""Adapters: the real implementations of the ports in ``leadrelay.ports`` (I/O lives here)."""
