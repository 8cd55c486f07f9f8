"""The scoring and lifecycle files of a rules directory, found and with their thresholds resolved, and the
directory's other rule files: what the rule set compiles (``loader.load_rules``) and what its version
hashes (:func:`rules_version`, for a function that needs the version and not the compiled rules).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from msgspec import Struct

from leadrelay.engine.diagnostics import Diagnostic, RuleSetError
from leadrelay.engine.version import ruleset_version
from leadrelay.rulefiles.documents import RuleDocument, RulesDirectory
from leadrelay.rulefiles.reading import ENGINE_KINDS
from leadrelay.rulefiles.thresholds import defined_thresholds, resolve


class EngineDocuments(Struct, frozen=True):
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


def resolved_engine_documents(directory: RulesDirectory) -> EngineDocuments:
    """The scoring and lifecycle documents of ``directory``, thresholds resolved; raises ``RuleSetError``
    for a missing or second file of a kind, an unreadable file or an unknown threshold, each at its file
    and JSON pointer."""
    where = directory.where
    chosen, problems = engine_documents(directory.of_kinds(ENGINE_KINDS), where)
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


def rules_version(directory: RulesDirectory) -> str:
    """The version the rule set in ``directory`` compiles to (``RuleSet.version``), from its files alone:
    nothing is checked beyond what :func:`resolved_engine_documents` checks, nothing compiled."""
    found = resolved_engine_documents(directory)
    return ruleset_version(found.scoring[1], found.lifecycle[1], found.others)


def other_rule_documents(directory: RulesDirectory, engine_files: set[str]) -> dict[str, Any]:
    """The directory's other rule files (routing, SLA, 名寄せ, ownership, operations) by file name, for the
    rule set's version: parsed JSON, or the text itself where it does not parse (its own loader says why)."""
    return {
        Path(document.file).name: document.text if document.document is None else document.document
        for document in directory.documents
        if document.readable and document.file not in engine_files
    }
