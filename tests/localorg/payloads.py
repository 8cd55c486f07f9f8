"""Salesforce's documented payloads (copies of shared/reference/salesforce_*.json) and a shape helper."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REFERENCE = Path(__file__).parent / "reference"  # copies of shared/reference/salesforce_*.json


def reference(name: str) -> Any:
    """A documented Salesforce payload (see shared/reference/README.md for where each comes from)."""
    return json.loads((REFERENCE / f"{name}.json").read_text(encoding="utf-8"))


def shape(value: Any) -> Any:
    """The structure of a JSON value: object keys and value types (lists of objects by their first item)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [shape(value[0])]
    return type(value).__name__
