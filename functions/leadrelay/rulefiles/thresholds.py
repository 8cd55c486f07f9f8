"""Named thresholds: defined once in the rules, referenced by name everywhere else.

The scoring and lifecycle files may define ``"thresholds": {"mql_engagement": 50, …}`` (one namespace
for the rule set). Anywhere in a scoring, lifecycle or rule-test file, ``{"threshold": "mql_engagement"}``
stands for the number, and ``{mql_engagement}`` inside a ``description``, ``label`` or test ``name``
is replaced by it — so raising the MQL bar is a one-line change. Resolution happens before the engine
sees a file (the engine only ever sees numbers); an unknown name is a located error with a suggestion.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from leadrelay.engine.diagnostics import Diagnostic, pointer
from leadrelay.rulefiles.documents import read_document, rule_files
from leadrelay.rulefiles.suggest import did_you_mean

THRESHOLDS_KEY = "thresholds"
DEFINING_KINDS = ("scoring", "lifecycle")
RESOLVED_KINDS = ("scoring", "lifecycle", "rule_tests")
TEXT_KEYS = frozenset({"description", "label", "name"})
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

Thresholds = Mapping[str, float]


def defined_thresholds(documents: Iterable[tuple[str, Any]]) -> tuple[dict[str, float], list[Diagnostic]]:
    """The thresholds the scoring and lifecycle files define, and the problems with the definitions."""
    found: dict[str, float] = {}
    where: dict[str, str] = {}
    problems: list[Diagnostic] = []
    for file, document in documents:
        if not isinstance(document, dict) or document.get("kind") not in DEFINING_KINDS:
            continue
        table = document.get(THRESHOLDS_KEY, {})
        if not isinstance(table, dict):
            problems.append(Diagnostic(file, pointer(THRESHOLDS_KEY), "expected an object of name → number"))
            continue
        for name, value in table.items():
            problem = None
            if not _NAME.match(name):
                problem = f"threshold name {name!r} is not an identifier"
            elif not _is_number(value):
                problem = f"threshold {name!r} must be a number, got {value!r}"
            elif name in found:
                problem = f"threshold {name!r} is already defined in {where[name]}"
            else:
                found[name], where[name] = float(value), file
            if problem:
                problems.append(Diagnostic(file, pointer(THRESHOLDS_KEY, name), problem))
    return found, problems


def resolve(document: Any, file: str, thresholds: Thresholds) -> tuple[Any, list[Diagnostic]]:
    """``document`` with its threshold references replaced by numbers (and ``thresholds`` removed),
    and an error per unknown name; other kinds are returned unchanged."""
    if not isinstance(document, dict) or document.get("kind") not in RESOLVED_KINDS:
        return document, []
    resolver = _Resolver(file, thresholds)
    body = {key: value for key, value in document.items() if key != THRESHOLDS_KEY}
    return resolver.walk(body), resolver.problems


def format_number(value: float) -> str:
    """``50.0`` → ``50``, ``2.5`` → ``2.5``."""
    return f"{value:g}"


class _Resolver:
    """Walks a document once; the JSON pointer of a node is only built for a problem (a path stack)."""

    def __init__(self, file: str, thresholds: Thresholds) -> None:
        self.file, self.thresholds = file, thresholds
        self.problems: list[Diagnostic] = []
        self._path: list[str | int] = []

    def walk(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self._child(index, item) for index, item in enumerate(node)]
        if not isinstance(node, dict):
            return node
        if len(node) == 1 and isinstance(node.get("threshold"), str):
            value = self.value(node["threshold"], "threshold")
            return node if value is None else int(value) if value.is_integer() else value
        return {key: self._child(key, value) for key, value in node.items()}

    def _child(self, key: str | int, value: Any) -> Any:
        if isinstance(value, str):
            return self.render(value, key) if key in TEXT_KEYS and "{" in value else value
        if not isinstance(value, dict | list):
            return value
        self._path.append(key)
        try:
            return self.walk(value)
        finally:
            self._path.pop()

    def render(self, text: str, key: str | int) -> str:
        def number(match: re.Match[str]) -> str:
            value = self.value(match.group(1), key)
            return match.group(0) if value is None else format_number(value)

        return _PLACEHOLDER.sub(number, text)

    def value(self, name: str, key: str | int) -> float | None:
        if name in self.thresholds:
            return self.thresholds[name]
        defined = ", ".join(self.thresholds) or "none"
        message = f"unknown threshold {name!r} (defined: {defined}){did_you_mean(name, self.thresholds)}"
        self.problems.append(Diagnostic(self.file, pointer(*self._path, key), message))
        return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def rule_set_thresholds(directory: Path) -> tuple[dict[str, float], list[Diagnostic]]:
    """The thresholds of the rule set in ``directory`` (its scoring and lifecycle files)."""
    documents = [read_document(file) for file in rule_files(directory, recursive=False)]
    return defined_thresholds((document.file, document.document) for document in documents)


THRESHOLDS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": 'Named thresholds, referenced as {"threshold": "<name>"} and as {<name>} in descriptions.',
    "propertyNames": {"pattern": _NAME.pattern},
    "additionalProperties": {"type": "number"},
}
"""The ``thresholds`` key in the JSON Schemas of the files that may define thresholds."""
