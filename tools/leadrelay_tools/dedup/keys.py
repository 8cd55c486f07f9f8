"""The one place the batch computes match keys (``leadrelay dedup backfill``): the same keys the processor
writes and queries (:mod:`leadrelay.domain.matching.keys`), and the columns each object is read with."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadrelay.domain.matching.keys import KEY_FIELDS, key_fields, match_keys
from leadrelay.domain.matching.match_rules import MatchRules

MATCH_KEY_FIELDS = tuple(KEY_FIELDS.values())
"""Every match-key field (an object stores those :func:`key_fields` names)."""

__all__ = ["MATCH_KEY_FIELDS", "key_fields", "keys_for", "source_columns"]


def keys_for(rules: MatchRules, sobject: str, record: Mapping[str, Any]) -> dict[str, str]:
    """The match-key fields of one record of ``sobject`` (Salesforce field names → key, "" for none)."""
    return {name: value or "" for name, value in match_keys(rules.record(sobject, record), sobject).items()}


def source_columns(rules: MatchRules, sobject: str, available: set[str]) -> list[str]:
    """The columns the rules read for ``sobject`` that the org's object has (``Id`` first)."""
    wanted = [column for columns in rules.columns.get(sobject, {}).values() for column in columns]
    found = [c for c in dict.fromkeys(wanted) if c in available and "." not in c and c != "Id"]
    return ["Id", *found]
