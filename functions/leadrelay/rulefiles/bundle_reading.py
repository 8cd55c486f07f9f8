"""Reading ``rules/`` into a :class:`RuleBundle`, with or without the match rules of ``dedup.json``.

:func:`leadrelay.rulefiles.bundle.load_rule_bundle` reads everything (the processor, the tools). The SLA
monitor never matches records, so it reads the bundle without ``dedup.json`` and does not import the
matching code and its libraries (phonenumbers, rapidfuzz) on its cold start.

Everything read is validated here, so a broken rules directory fails the cold start with one message
that names every problem by file and JSON pointer (:class:`RuleSetError`), instead of failing event by
event.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from leadrelay.domain.deadletter import DEFAULT_OPERATIONS, OperationsConfig
from leadrelay.domain.ownership import OwnershipMap, check_ownership
from leadrelay.domain.routing import RoutingFile, RoutingTable, compile_routing
from leadrelay.domain.sla import SlaFile
from leadrelay.engine import RuleSet, RuleSetError
from leadrelay.engine.diagnostics import CheckContext, Diagnostic, pointer
from leadrelay.rulefiles.documents import OWNERSHIP_FILE, read_document, rule_files
from leadrelay.rulefiles.loader import load_rules
from pydantic import BaseModel, ValidationError

if TYPE_CHECKING:
    from leadrelay.domain.matching.match_rules import MatchRules

OPERATIONS_FILE = "operations.json"
ROUTING_FILE = "routing.json"
SLA_FILE = "sla.json"
M = TypeVar("M", bound=BaseModel)
MatchRulesLoader = Callable[[Path], "MatchRules | None"]
"""Reads a rules directory's ``dedup.json`` (``None``: the directory has none); raises ``RuleSetError``."""
_LEAD_PATH = re.compile(r"\blead\.([A-Za-z][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class RuleBundle:
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


def read_rule_bundle(path: str | Path, *, match_rules: MatchRulesLoader | None) -> RuleBundle:
    """Load and validate ``rules/``; raises :class:`RuleSetError` naming every problem's file and pointer.

    ``operations.json`` is optional (the shipped owners apply without it); ``ownership.json`` is required.
    Without ``match_rules``, ``dedup.json`` is neither read nor checked and the bundle has no match rules.
    """
    directory = Path(path)
    rules = load_rules(directory)  # raises RuleSetError for the engine's files
    problems: list[Diagnostic] = []
    ownership = _read(directory / OWNERSHIP_FILE, OwnershipMap, problems)
    if ownership is not None:
        file = str(directory / OWNERSHIP_FILE)
        problems.extend(Diagnostic(file, i.pointer, i.message) for i in check_ownership(ownership))
    operations: OperationsConfig | None = DEFAULT_OPERATIONS
    if (directory / OPERATIONS_FILE).exists():
        operations = _read(directory / OPERATIONS_FILE, OperationsConfig, problems)
    routing = _routing(directory / ROUTING_FILE, rules.score_names, problems)
    sla = _read(directory / SLA_FILE, SlaFile, problems) if (directory / SLA_FILE).exists() else None
    match = _match_rules(directory, match_rules, problems) if match_rules else None
    if problems or ownership is None or operations is None:
        raise RuleSetError(problems, source=str(directory))
    fields = tuple(dict.fromkeys(_lead_fields(directory)))
    return RuleBundle(rules, ownership, operations, fields, routing, sla, match)


def _match_rules(directory: Path, load: MatchRulesLoader, problems: list[Diagnostic]) -> MatchRules | None:
    try:
        return load(directory)
    except RuleSetError as error:
        problems.extend(error.errors)
        return None


def _routing(file: Path, scores: tuple[str, ...], problems: list[Diagnostic]) -> RoutingTable | None:
    if not file.exists():
        return None
    model = _read(file, RoutingFile, problems)
    if model is None:
        return None
    ctx = CheckContext(str(file))
    table = compile_routing(model, ctx, scores)
    problems.extend(d for d in ctx.diagnostics if d.severity == "error")
    return table


def _read(file: Path, model: type[M], problems: list[Diagnostic]) -> M | None:
    name = str(file)
    if not file.exists():
        problems.append(Diagnostic(name, "", "missing: the processor needs this file"))
        return None
    try:
        return model.model_validate_json(file.read_bytes())
    except ValidationError as exc:
        for error in exc.errors(include_input=False):
            problems.append(Diagnostic(name, pointer(*error["loc"]), error["msg"]))
        return None


def _lead_fields(directory: Path) -> Iterator[str]:
    for file in rule_files(directory, recursive=False):
        document = read_document(file)
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
