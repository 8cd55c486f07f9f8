"""The HTML reports of the CLI (``rules simulate``, ``report``): self-contained pages with charts."""
