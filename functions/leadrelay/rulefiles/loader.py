"""Rule files on disk, as the functions load them: ``load_rules`` reads, checks and compiles the
scoring and lifecycle files of a directory.

The engine itself (``leadrelay.engine``) is pure; this module reads the files and hands parsed
documents to the core. Checking every kind of rule file for an author (``validate_path``) and the
JSON Schemas live in :mod:`leadrelay.rulefiles.validate`, which the functions never import.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from leadrelay.engine.diagnostics import Diagnostic, RuleSetError
from leadrelay.engine.ruleset import RuleSet, build_rule_set
from leadrelay.rulefiles.documents import RuleDocument, read_documents_of_kinds, rule_files
from leadrelay.rulefiles.reading import ENGINE_KINDS
from leadrelay.rulefiles.thresholds import defined_thresholds, resolve

__all__ = ["Diagnostic", "RuleSetError", "engine_documents", "load_rules"]


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


def load_rules(path: str | Path) -> RuleSet:
    """Read, validate and compile the rule set in directory ``path`` (its scoring and lifecycle files).

    Raises ``RuleSetError`` listing every problem as ``FILE:JSON-POINTER: message``.
    """
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
    return build_rule_set(
        (scoring.file, scoring_doc), (lifecycle.file, lifecycle_doc), source=where, others=others
    )


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
