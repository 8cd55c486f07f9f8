"""Checking a rule file against the world it runs in: fields, activity types, event fields, payloads.

Each mistake is one located diagnostic with a "did you mean …?": ``lead.NumberOfEmploye`` (a field the
org does not have), ``"types": ["demo_request"]`` (a type the ingress never produces), ``objectID`` in
a HubSpot mapping (a key HubSpot never sends). Paths the engine already rejects are left to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import jmespath
from jmespath.exceptions import JMESPathError

from leadrelay.engine.diagnostics import Diagnostic, pointer
from leadrelay.engine.paths import split_path
from leadrelay.rulefiles.catalogue import PERSON_OBJECTS
from leadrelay.rulefiles.suggest import did_you_mean
from leadrelay.rulefiles.world import World

ROOTS = ("lead", "event", "activities", "scores")
SELECTOR_KEYS = ("count", "sum", "activities")
MAPPING_EXPRESSIONS = ("events", "filter", "idempotency_key", "attributes_from", "fields_from")


def check_world(document: Any, file: str, world: World) -> list[Diagnostic]:
    """Every name in one parsed rule file that the world does not have (by the file's kind)."""
    if not isinstance(document, dict):
        return []
    checker = _CHECKERS.get(str(document.get("kind")))
    return [] if checker is None else list(checker(_Checker(file, world), document))


class _Checker:
    def __init__(self, file: str, world: World) -> None:
        self.file, self.world = file, world
        self.lead_fields = world.catalogue.fields(*PERSON_OBJECTS)

    def error(self, at: str, message: str) -> Diagnostic:
        return Diagnostic(self.file, at, message)

    def warning(self, at: str, message: str) -> Diagnostic:
        return Diagnostic(self.file, at, message, "warning")

    def lead_field(self, name: str, at: str) -> Iterator[Diagnostic]:
        unchecked = name.endswith("__c") and not self.world.knows_custom_fields
        if name not in self.lead_fields and not unchecked:
            hint = did_you_mean(name, self.lead_fields)
            yield self.error(at, f"unknown field {name!r}: no Lead or Contact field of that name{hint}")

    def activity_type(self, name: Any, at: str) -> Iterator[Diagnostic]:
        if isinstance(name, str) and name not in self.world.activity_types:
            hint = did_you_mean(name, self.world.activity_types) or (
                f" (known: {', '.join(sorted(self.world.activity_types))})"
            )
            yield self.error(at, f"unknown activity type {name!r}: the ingress never produces it{hint}")

    def activity_field(self, name: str, at: str) -> Iterator[Diagnostic]:
        if not name.isdigit() and name not in self.world.activity_fields:
            hint = did_you_mean(name, self.world.activity_fields)
            yield self.warning(at, f"activity attribute {name!r} is sent by no known source{hint}")

    def path(self, path: str, at: str, *, relative: bool) -> Iterator[Diagnostic]:
        segments = split_path(path)
        if segments is None:
            return  # not a plain path: the engine reports it
        if relative:
            yield from self.activity_field(segments[0], at)
            return
        root, rest = segments[0], segments[1:]
        if root not in ROOTS:
            hint = did_you_mean(root, ROOTS)
            yield self.error(at, f"{root!r} is not part of the context ({', '.join(ROOTS)}){hint}")
        elif root == "lead" and rest:
            yield from self.lead_field(rest[0], at)
        elif root == "event" and rest and rest[0] not in self.world.event_fields:
            hint = did_you_mean(rest[0], self.world.event_fields)
            yield self.error(at, f"the canonical event has no field {rest[0]!r}{hint}")
        elif root == "activities" and len(rest) >= 2:
            yield from self.activity_field(rest[1], at)

    def expression(self, expression: str, at: str) -> Iterator[Diagnostic]:
        for chain in _field_chains(expression):
            if len(chain) >= 2 and chain[0] == "lead":
                yield from self.lead_field(chain[1], at)
            elif chain[0] not in ROOTS:
                hint = did_you_mean(chain[0], ROOTS)
                yield self.error(at, f"{chain[0]!r} is not part of the context ({', '.join(ROOTS)}){hint}")

    def conditions(self, node: Any, at: str, *, relative: bool = False) -> Iterator[Diagnostic]:
        if isinstance(node, list):
            for index, item in enumerate(node):
                yield from self.conditions(item, at + pointer(index), relative=relative)
            return
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            where = at + pointer(key)
            if key in ("field", "current_stage") and isinstance(value, str):
                yield from self.path(value, where, relative=relative)
            elif key == "expr" and isinstance(value, str) and not relative:
                yield from self.expression(value, where)
            elif key in SELECTOR_KEYS and isinstance(value, dict):
                yield from self.selector(value, where)
            elif key == "of" and isinstance(value, str) and "sum" in node:
                yield from self.activity_field(value, where)
            elif key not in ("value", "description", "label", "id"):
                yield from self.conditions(value, where, relative=relative)

    def selector(self, selector: dict[str, Any], at: str) -> Iterator[Diagnostic]:
        types = selector.get("types")
        for index, name in enumerate(types if isinstance(types, list) else ()):
            yield from self.activity_type(name, at + pointer("types", index))
        if "where" in selector:
            yield from self.conditions(selector["where"], at + pointer("where"), relative=True)


def _field_chains(expression: str) -> list[list[str]]:
    """The dotted field chains at the root of a JMESPath expression (``lead.Title`` → lead, Title)."""
    tree = _parse(expression)
    chains: list[list[str]] = []
    if tree is not None:
        _collect_chains(tree, chains)
    return chains


def _parse(expression: str) -> dict[str, Any] | None:
    """The JMESPath syntax tree, or None for an invalid expression (reported where it is compiled)."""
    try:
        return dict(jmespath.compile(expression).parsed)
    except JMESPathError:
        return None


def _collect_chains(node: dict[str, Any], chains: list[list[str]]) -> None:
    kind, children = node.get("type"), node.get("children", [])
    if kind == "field":
        chains.append([node["value"]])
        return
    if kind in ("subexpression", "index_expression") and children and children[0].get("type") == "field":
        chain = [children[0]["value"]]
        second = children[1] if len(children) > 1 else {}
        if second.get("type") == "field":
            chain.append(second["value"])
        elif second.get("type") == "index_expression" and second["children"][0].get("type") == "field":
            chain.append(second["children"][0]["value"])
        chains.append(chain)
        return
    if kind in ("projection", "value_projection", "flatten", "filter_projection", "pipe"):
        children = children[:1]  # the right-hand side reads relative to each element
    for child in children:
        if isinstance(child, dict):
            _collect_chains(child, chains)


def _field_names(expression: str) -> list[str]:
    """Every key a JMESPath expression reads (``to_string(objectId)`` → objectId)."""
    tree = _parse(expression)
    names: list[str] = []
    stack = [] if tree is None else [tree]
    while stack:
        node = stack.pop()
        if node.get("type") == "field":
            names.append(node["value"])
        stack.extend(child for child in node.get("children", []) if isinstance(child, dict))
    return sorted(set(names), key=names.index)


def _rule_file(checker: _Checker, document: dict[str, Any]) -> Iterator[Diagnostic]:
    yield from checker.conditions(document, "")


def _rule_tests(checker: _Checker, document: dict[str, Any]) -> Iterator[Diagnostic]:
    cases = document.get("cases")
    for index, case in enumerate(cases if isinstance(cases, list) else ()):
        if not isinstance(case, dict):
            continue
        at = pointer("cases", index)
        lead = case.get("lead")
        for name in lead if isinstance(lead, dict) else ():
            yield from checker.lead_field(name, at + pointer("lead", name))
        activities = case.get("activities")
        for number, activity in enumerate(activities if isinstance(activities, list) else ()):
            if isinstance(activity, dict):
                yield from checker.activity_type(
                    activity.get("type"), at + pointer("activities", number, "type")
                )


def _mapping(checker: _Checker, document: dict[str, Any]) -> Iterator[Diagnostic]:
    fields = document.get("fields")
    for name in fields if isinstance(fields, dict) else ():
        yield from checker.lead_field(name, pointer("fields", name))
    known = checker.world.payload_fields.get(str(document.get("source")))
    if known is None:
        return
    provider = document.get("provider", document.get("source"))
    for at, expression in _mapping_expressions(document):
        for name in _field_names(expression):
            if name not in known:
                hint = did_you_mean(name, known)
                yield checker.error(at, f"{provider} events have no key {name!r}{hint}")


def _mapping_expressions(document: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for key in MAPPING_EXPRESSIONS:
        if isinstance(document.get(key), str):
            yield pointer(key), document[key]
    for section in ("occurred_at", "type"):
        value = document.get(section)
        if isinstance(value, dict) and isinstance(value.get("path"), str):
            yield pointer(section, "path"), value["path"]
    for section in ("identity", "attributes", "fields"):
        value = document.get(section)
        for key, expression in value.items() if isinstance(value, dict) else ():
            if isinstance(expression, str):
                yield pointer(section, key), expression


_CHECKERS: dict[str, Callable[[_Checker, dict[str, Any]], Iterator[Diagnostic]]] = {
    "scoring": _rule_file,
    "lifecycle": _rule_file,
    "routing": _rule_file,
    "rule_tests": _rule_tests,
    "mapping": _mapping,
}
