"""The scoring and lifecycle files of a rules directory, found and with their thresholds resolved, and the
directory's other rule files: what the rule set compiles (``loader.load_rules``) and what its version
hashes (:func:`rules_version`, for a function that needs the version and not the compiled rules).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leadrelay.engine.diagnostics import Diagnostic, RuleSetError
from leadrelay.engine.version import ruleset_version
from leadrelay.rulefiles.documents import RuleDocument, read_documents_of_kinds, rule_files
from leadrelay.rulefiles.reading import ENGINE_KINDS
from leadrelay.rulefiles.thresholds import defined_thresholds, resolve


@dataclass(frozen=True)
class EngineDocuments:
    """The scoring and lifecycle documents as ``(file, document)`` with thresholds resolved, and the
    directory's other rule documents by file name."""

    where: str
    scoring: tuple[str, Any]
    lifecycle: tuple[str, Any]
    others: dict[str, Any]


def engine_documents(
    documents: Sequence[RuleDocument], where: str
) -> tuple[dict[str, RuleDocument], list[Diagnostic]]:
    """The scoring and lifecycle documents among ``documents``, and the problems that stop a rule set
    being built from them (a missing or second file of a kind, each document's own problems)."""
    chosen: dict[str, RuleDocument] = {}
    problems: list[Diagnostic] = []
    for document in documents:
        problems.extend(document.problems)
        kind = document.kind
        if kind not in ENGINE_KINDS:
            continue
        if kind in chosen:
            message = f"a second {kind!r} file; the rule set already has {chosen[kind].file}"
            problems.append(Diagnostic(document.file, "/kind", message))
            continue
        chosen[kind] = document
    unreadable = any(document.document is None for document in documents)
    for kind in ENGINE_KINDS:
        if kind not in chosen and not unreadable:
            problems.append(Diagnostic(where, "", f'no rule file with "kind": "{kind}" in {where}'))
    return chosen, problems


def resolved_engine_documents(path: str | Path) -> EngineDocuments:
    """The scoring and lifecycle documents of directory ``path`` (or of a file's directory), thresholds
    resolved; raises ``RuleSetError`` for a missing directory, a missing or second file of a kind, an
    unreadable file or an unknown threshold, each at its file and JSON pointer."""
    directory = Path(path)
    if directory.is_file():
        directory = directory.parent
    where = str(directory)
    if not directory.is_dir():
        raise RuleSetError([Diagnostic(where, "", "no such rules directory")], source=where)
    documents = read_documents_of_kinds(directory, ENGINE_KINDS)
    chosen, problems = engine_documents(documents, where)
    if problems:
        raise RuleSetError(problems, source=where)
    scoring, lifecycle = chosen["scoring"], chosen["lifecycle"]
    thresholds, problems = defined_thresholds((d.file, d.document) for d in (scoring, lifecycle))
    (scoring_doc, unknown), (lifecycle_doc, more) = (
        resolve(d.document, d.file, thresholds) for d in (scoring, lifecycle)
    )
    problems += unknown + more
    if problems:
        raise RuleSetError(problems, source=where)
    others = other_rule_documents(directory, {scoring.file, lifecycle.file})
    return EngineDocuments(where, (scoring.file, scoring_doc), (lifecycle.file, lifecycle_doc), others)


def rules_version(path: str | Path) -> str:
    """The version the rule set in ``path`` compiles to (``RuleSet.version``), from its files alone:
    nothing is checked beyond what :func:`resolved_engine_documents` checks, nothing compiled."""
    found = resolved_engine_documents(path)
    return ruleset_version(found.scoring[1], found.lifecycle[1], found.others)


def other_rule_documents(directory: Path, engine_files: set[str]) -> dict[str, Any]:
    """The directory's other rule files (routing, SLA, 名寄せ, ownership, operations) by file name, for the
    rule set's version: parsed JSON, or the text itself where it does not parse (its own loader says why)."""
    documents: dict[str, Any] = {}
    for path in rule_files(directory, recursive=False):
        if str(path) in engine_files:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        try:
            documents[path.name] = json.loads(text)
        except ValueError:
            documents[path.name] = text
    return documents
