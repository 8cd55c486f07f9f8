"""What the processor reads from ``rules/`` once, at cold start: rules, field ownership, dead-letter owners,
routing, SLA policies and the match rules (the SLA monitor reads less: :mod:`leadrelay.rulefiles.sla_rules`).

Everything is validated here, so a broken rules directory fails the cold start with one message that
names every problem by file and JSON pointer (:class:`RuleSetError`), instead of failing event by event.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from msgspec import Struct

from leadrelay.domain.deadletter import DEFAULT_OPERATIONS, OperationsConfig
from leadrelay.domain.matching.match_rules import MatchRules
from leadrelay.domain.ownership import OwnershipMap
from leadrelay.domain.routing import RoutingFile, RoutingTable, compile_routing
from leadrelay.domain.sla import SlaFile
from leadrelay.engine import RuleSet, RuleSetError
from leadrelay.engine.diagnostics import CheckContext, Diagnostic
from leadrelay.rulefiles.dedup_loading import DEDUP_FILE, match_rules_from
from leadrelay.rulefiles.documents import ROUTING_FILE, RulesDirectory, validated
from leadrelay.rulefiles.loader import load_rules
from leadrelay.rulefiles.sla_rules import read_ownership, read_sla

OPERATIONS_FILE = "operations.json"
_LEAD_PATH = re.compile(r"\blead\.([A-Za-z][A-Za-z0-9_]*)")


class RuleBundle(Struct, frozen=True):
    """The loaded rules directory: the compiled rule set, the ownership map and the dead-letter owners."""

    rules: RuleSet
    ownership: OwnershipMap
    operations: OperationsConfig
    lead_fields: tuple[str, ...]
    """Record fields the rules read (``lead.Title`` → ``Title``), for the lookup queries."""
    routing: RoutingTable | None = None
    """``routing.json`` compiled, when the directory has one (no file: leads are not routed)."""
    sla: SlaFile | None = None
    """``sla.json``, when the directory has one (the routed owner's Task is due at its first deadline)."""
    match: MatchRules | None = None
    """``dedup.json`` compiled, when the directory has one (the processor matches people and accounts)."""


def load_rule_bundle(path: str | Path) -> RuleBundle:
    """Load and validate ``rules/``; raises :class:`RuleSetError` naming every problem's file and pointer.

    Each file is read and parsed once (:class:`RulesDirectory`). ``operations.json`` is optional (the
    shipped owners apply without it); ``ownership.json`` is required.
    """
    directory = RulesDirectory.read(path)
    rules = load_rules(directory)  # raises RuleSetError for the engine's files
    problems: list[Diagnostic] = []
    ownership = read_ownership(directory, problems)
    document = directory.named(OPERATIONS_FILE)  # absent: the shipped owners
    operations = DEFAULT_OPERATIONS if document is None else validated(document, OperationsConfig, problems)
    routing = _routing(directory, rules.score_names, problems)
    sla = read_sla(directory, problems)
    match = _match_rules(directory, problems)
    if problems or ownership is None or operations is None:
        raise RuleSetError(problems, source=directory.where)
    fields = tuple(dict.fromkeys(_lead_fields(directory)))
    return RuleBundle(rules, ownership, operations, fields, routing, sla, match)


def _match_rules(directory: RulesDirectory, problems: list[Diagnostic]) -> MatchRules | None:
    """``dedup.json`` compiled once. pykakasi's dictionary is not loaded here: the first record with a
    name in kanji or kana loads it (``matching.readings``), so a batch of romaji names never pays for it."""
    document = directory.named(DEDUP_FILE)
    if document is None:
        return None
    try:
        rules = match_rules_from(document)
    except RuleSetError as error:
        problems.extend(error.errors)
        return None
    return rules


def _routing(
    directory: RulesDirectory, scores: tuple[str, ...], problems: list[Diagnostic]
) -> RoutingTable | None:
    model = directory.model(ROUTING_FILE, RoutingFile, problems)
    if model is None:
        return None
    ctx = CheckContext(str(directory.path / ROUTING_FILE))
    table = compile_routing(model, ctx, scores)
    problems.extend(d for d in ctx.diagnostics if d.severity == "error")
    return table


def _lead_fields(directory: RulesDirectory) -> Iterator[str]:
    for document in directory.documents:
        if document.kind in ("scoring", "lifecycle"):
            yield from _strings_matching(document.document)


def _strings_matching(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield from _LEAD_PATH.findall(node)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings_matching(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings_matching(value)
