"""Reading the rule files of one kind from a directory, with threshold references resolved.

Light on purpose: the ingress functions read their mapping files through :func:`read_models` at cold
start and must not import the whole validation machinery (the kind registry pulls in routing, SLA and
matching models) — ``tests/infra`` measures their cold start.
"""

from __future__ import annotations

from pathlib import Path

from leadrelay.engine.diagnostics import Diagnostic
from leadrelay.engine.parsing import ModelT, parse_model
from leadrelay.rulefiles.documents import read_document, rule_files
from leadrelay.rulefiles.thresholds import resolve, rule_set_thresholds

ENGINE_KINDS = ("scoring", "lifecycle")


def read_models(
    directory: Path, model: type[ModelT], *, skip_kinds: frozenset[str] = frozenset()
) -> tuple[list[tuple[str, ModelT]], list[Diagnostic]]:
    """Every rule file directly in ``directory`` parsed as ``model``: ``(file, model)`` pairs in file
    order, and the located problems of the files that could not be read or validated. Files whose
    ``kind`` is in ``skip_kinds`` are left out (``rules/tests/`` holds rule and pair test cases)."""
    models: list[tuple[str, ModelT]] = []
    problems: list[Diagnostic] = []
    thresholds, _ = rule_set_thresholds(rule_set_directory(directory / "_"))
    for path in rule_files(directory, recursive=False):
        document = read_document(path)
        problems.extend(document.problems)
        if document.document is None or document.kind in skip_kinds:
            continue
        resolved, unknown = resolve(document.document, document.file, thresholds)
        problems.extend(unknown)
        parsed, diagnostics = parse_model(model, resolved, document.file)
        problems.extend(diagnostics)
        if parsed is not None:
            models.append((document.file, parsed))
    return models, problems


def rule_set_directory(path: Path) -> Path:
    """Where a file's sibling rule files are: its directory, or the parent for ``rules/tests/x.json``."""
    directory = path.parent
    has_engine_file = any(
        read_document(file).kind in ENGINE_KINDS for file in rule_files(directory, recursive=False)
    )
    return directory if has_engine_file or directory.parent == directory else directory.parent
