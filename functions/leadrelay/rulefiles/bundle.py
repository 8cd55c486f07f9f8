"""What the pipeline reads from ``rules/`` once, at cold start: rules, field ownership, dead-letter owners,
routing, SLA policies and the match rules of ``dedup.json`` (:mod:`leadrelay.rulefiles.bundle_reading`
reads the rest; the SLA monitor reads it without the match rules)."""

from __future__ import annotations

from pathlib import Path

from leadrelay.domain.matching.match_rules import MatchRules
from leadrelay.rulefiles.bundle_reading import RuleBundle, read_rule_bundle
from leadrelay.rulefiles.dedup_loading import DEDUP_FILE, load_match_rules

__all__ = ["RuleBundle", "load_rule_bundle"]


def load_rule_bundle(path: str | Path) -> RuleBundle:
    """Load and validate ``rules/``, ``dedup.json`` included; raises :class:`RuleSetError` naming every
    problem's file and pointer. ``operations.json`` is optional; ``ownership.json`` is required."""
    return read_rule_bundle(path, match_rules=match_rules_of)


def match_rules_of(directory: Path) -> MatchRules | None:
    """``dedup.json`` compiled once, when the directory has one. pykakasi's dictionary is not loaded here:
    the first record with a name in kanji or kana loads it (``matching.readings``), so a batch of romaji
    names never pays for it."""
    if not (directory / DEDUP_FILE).exists():
        return None
    return load_match_rules(directory)
