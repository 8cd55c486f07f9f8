"""The one place the batch computes match keys (``leadrelay dedup backfill``): the domain's
``match_keys`` and the fields it writes, and the columns each object is read with."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadrelay.domain.matching.match_keys import MATCH_KEY_FIELDS, match_keys
from leadrelay.domain.matching.match_rules import MatchRules

__all__ = ["MATCH_KEY_FIELDS", "keys_for", "source_columns"]


def keys_for(rules: MatchRules, sobject: str, record: Mapping[str, Any]) -> dict[str, str]:
    """The match-key fields of one record of ``sobject`` (Salesforce field names → key, "" for none)."""
    return match_keys(rules, sobject, record)


def source_columns(rules: MatchRules, sobject: str, available: set[str]) -> list[str]:
    """The columns the rules read for ``sobject`` that the org's object has (``Id`` first)."""
    wanted = [column for columns in rules.columns.get(sobject, {}).values() for column in columns]
    found = [c for c in dict.fromkeys(wanted) if c in available and "." not in c and c != "Id"]
    return ["Id", *found]
