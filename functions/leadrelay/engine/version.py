"""The rule set's version: a content hash of the rule documents, the same whoever computes it (the
rule set as it compiles, the SLA monitor from the files alone)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

__all__ = ["ruleset_version"]


def ruleset_version(scoring: Any, lifecycle: Any, others: Mapping[str, Any] | None = None) -> str:
    """The content hash of the rule documents (``$schema`` ignored), 12 hex digits: the scoring and
    lifecycle documents and ``others`` (the directory's other rule files by name — routing, SLA,
    名寄せ, ownership — so a change to any rule that decides something gives a new version)."""
    documents = {"scoring": scoring, "lifecycle": lifecycle, **(others or {})}
    canonical = {
        name: {key: value for key, value in document.items() if key != "$schema"}
        if isinstance(document, dict)
        else document
        for name, document in documents.items()
    }
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
