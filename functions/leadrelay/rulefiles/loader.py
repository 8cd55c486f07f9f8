"""Rule files on disk: ``load_rules``, ``validate_path`` and the JSON Schema generator.

The engine itself (``leadrelay.engine``) is pure; this module reads the files, reports
broken JSON with its line and column, and hands parsed documents to the core.

Regenerate the schemas after changing a model::

    python -m leadrelay.rulefiles.loader --write-schemas rules/schema
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leadrelay.engine.diagnostics import Diagnostic, RuleSetError
from leadrelay.engine.nesting import TOO_DEEP, too_deep_in_text
from leadrelay.engine.parsing import ModelT, parse_model
from leadrelay.engine.ruleset import RuleSet, build_rule_set
from leadrelay.rulefiles.kinds import RULE_FILE_KINDS
from leadrelay.rulefiles.validation import parse_document, validate_document

__all__ = ["Diagnostic", "RuleSetError", "load_rules", "schema_text", "validate_path", "write_schemas"]

ENGINE_KINDS = ("scoring", "lifecycle")
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


@dataclass(frozen=True, slots=True)
class RuleDocument:
    """One rule file read from disk: its display name, parsed JSON (None if broken) and read problems."""

    file: str
    document: Any
    problems: tuple[Diagnostic, ...] = ()

    @property
    def kind(self) -> str | None:
        """The file's ``"kind"``, when it has a string one."""
        kind = self.document.get("kind") if isinstance(self.document, dict) else None
        return kind if isinstance(kind, str) else None


def read_document(path: Path) -> RuleDocument:
    """Read and parse one JSON file; unreadable files and broken JSON become diagnostics."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return RuleDocument(name, None, (Diagnostic(name, "", f"cannot read the file: {error}"),))
    too_deep = too_deep_in_text(text)
    if too_deep is not None:
        problem = Diagnostic(name, too_deep.pointer, TOO_DEEP, line=too_deep.line, column=too_deep.column)
        return RuleDocument(name, None, (problem,))
    try:
        return RuleDocument(name, json.loads(text))
    except json.JSONDecodeError as error:
        message = f"invalid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        return RuleDocument(
            name, None, (Diagnostic(name, "", message, line=error.lineno, column=error.colno),)
        )


def rule_files(directory: Path, *, recursive: bool) -> list[Path]:
    """The rule files in ``directory``: ``*.json`` but not generated ``*.schema.json`` (nor schema/)."""
    pattern = "**/*.json" if recursive else "*.json"
    return sorted(
        path
        for path in directory.glob(pattern)
        if path.is_file()
        and not path.name.endswith(".schema.json")
        and "schema" not in path.relative_to(directory).parts[:-1]
    )


def read_models(
    directory: Path, model: type[ModelT], *, skip_kinds: frozenset[str] = frozenset()
) -> tuple[list[tuple[str, ModelT]], list[Diagnostic]]:
    """Every rule file directly in ``directory`` parsed as ``model``: ``(file, model)`` pairs in file
    order, and the located problems of the files that could not be read or validated. Files whose
    ``kind`` is in ``skip_kinds`` are left out (``rules/tests/`` holds rule and pair test cases)."""
    models: list[tuple[str, ModelT]] = []
    problems: list[Diagnostic] = []
    for path in rule_files(directory, recursive=False):
        document = read_document(path)
        problems.extend(document.problems)
        if document.document is None or document.kind in skip_kinds:
            continue
        parsed, diagnostics = parse_model(model, document.document, document.file)
        problems.extend(diagnostics)
        if parsed is not None:
            models.append((document.file, parsed))
    return models, problems


def _engine_documents(
    documents: Sequence[RuleDocument], where: str
) -> tuple[dict[str, RuleDocument], list[Diagnostic]]:
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
    documents = [read_document(file) for file in rule_files(directory, recursive=False)]
    chosen, problems = _engine_documents(documents, where)
    if problems:
        raise RuleSetError(problems, source=where)
    scoring, lifecycle = chosen["scoring"], chosen["lifecycle"]
    return build_rule_set(
        (scoring.file, scoring.document), (lifecycle.file, lifecycle.document), source=where
    )


def _rule_set_directory(path: Path) -> Path:
    """Where a file's sibling rule files are: its directory, or the parent for ``rules/tests/x.json``."""
    directory = path.parent
    has_engine_file = any(
        read_document(file).kind in ENGINE_KINDS for file in rule_files(directory, recursive=False)
    )
    return directory if has_engine_file or directory.parent == directory else directory.parent


def _context_models(directory: Path) -> dict[str, Any]:
    models: dict[str, Any] = {}
    for file in rule_files(directory, recursive=False):
        document = read_document(file)
        if document.kind is not None and document.kind not in models:
            parsed = parse_document(document.document, document.file)
            if parsed.model is not None:
                models[document.kind] = parsed.model
    return models


def validate_path(path: str | Path) -> list[Diagnostic]:
    """Every problem in the rule files at ``path`` (a directory, recursively, or one file), all kinds.

    Never raises for a rule author's mistake: broken JSON, unknown keys and kinds, wrong types,
    invalid JMESPath or regexes, unknown operators, duplicate ids and undefined scores or stages
    are errors; overlapping or unreachable bands are warnings.
    """
    target = Path(path)
    if target.is_file():
        files, context_dir = [target], _rule_set_directory(target)
    elif target.is_dir():
        files, context_dir = rule_files(target, recursive=True), target
    else:
        return [Diagnostic(str(target), "", "no such file or directory")]
    context = _context_models(context_dir)
    diagnostics: list[Diagnostic] = []
    documents = [read_document(file) for file in files]
    if target.is_dir():
        top_level = [d for d in documents if Path(d.file).parent == target]
        _, problems = _engine_documents(top_level, str(target))
        diagnostics.extend(problem for problem in problems if problem.pointer == "/kind")
    for document in documents:
        diagnostics.extend(document.problems)
        if document.document is not None or not document.problems:
            diagnostics.extend(validate_document(document.document, document.file, context))
    return diagnostics


def schema_text(kind: str) -> str:
    """The JSON Schema of one kind's files, as committed in ``rules/schema/<kind>.schema.json``."""
    schema = RULE_FILE_KINDS[kind].model.model_json_schema(by_alias=True)
    ordered = {"$schema": JSON_SCHEMA_DIALECT, "$id": f"{kind}.schema.json", **schema}
    return json.dumps(ordered, indent=2, ensure_ascii=False) + "\n"


def write_schemas(directory: str | Path) -> list[Path]:
    """Write one ``<kind>.schema.json`` per registered kind into ``directory``; returns the paths."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in sorted(RULE_FILE_KINDS):
        path = target / f"{kind}.schema.json"
        path.write_text(schema_text(kind), encoding="utf-8")
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m leadrelay.rulefiles.loader --write-schemas rules/schema``."""
    parser = argparse.ArgumentParser(prog="python -m leadrelay.rulefiles.loader", description=__doc__)
    parser.add_argument("--write-schemas", metavar="DIR", required=True, help="directory for the schemas")
    args = parser.parse_args(argv)
    for path in write_schemas(args.write_schemas):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
