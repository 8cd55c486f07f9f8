"""Checking rule files for an author: ``validate_path`` (every kind, with line and column, optionally
against the org's fields) and the JSON Schemas of the kinds (``leadrelay rules validate``, the editor
schemas in ``rules/schema``). The functions load rules with :mod:`leadrelay.rulefiles.loader` and never
import this module, nor the rule-test and mapping models it checks.

Regenerate the schemas after changing a model::

    python -m leadrelay.rulefiles.validate --write-schemas rules/schema
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from leadrelay.engine.diagnostics import Diagnostic
from leadrelay.rulefiles.documents import RuleDocument, read_document, rule_files
from leadrelay.rulefiles.kinds import RULE_FILE_KINDS
from leadrelay.rulefiles.loader import engine_documents
from leadrelay.rulefiles.positions import locate
from leadrelay.rulefiles.reading import rule_set_directory
from leadrelay.rulefiles.thresholds import (
    DEFINING_KINDS,
    THRESHOLDS_KEY,
    THRESHOLDS_SCHEMA,
    Thresholds,
    defined_thresholds,
    resolve,
)
from leadrelay.rulefiles.validation import parse_document, validate_document
from leadrelay.rulefiles.world import World
from leadrelay.rulefiles.world_check import check_world

__all__ = ["schema_text", "validate_path", "write_schemas"]

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


Read = Callable[[Path], RuleDocument]


def _context_models(directory: Path, thresholds: Thresholds, read: Read) -> dict[str, Any]:
    models: dict[str, Any] = {}
    for file in rule_files(directory, recursive=False):
        document = read(file)
        if document.kind is not None and document.kind not in models:
            resolved, _ = resolve(document.document, document.file, thresholds)
            parsed = parse_document(resolved, document.file)
            if parsed.model is not None and not parsed.diagnostics:  # a broken file checks no other
                models[document.kind] = parsed.model
    return models


def validate_path(path: str | Path, world: World | None = None) -> list[Diagnostic]:
    """Every problem in the rule files at ``path`` (a directory, recursively, or one file), all kinds,
    each with its line and column.

    Never raises for a rule author's mistake: broken JSON, unknown keys and kinds, wrong types,
    invalid JMESPath or regexes, unknown operators, duplicate ids and undefined scores or stages
    are errors; overlapping or unreachable bands are warnings. With a ``world``, every field path,
    activity type, event field and mapping target is checked against it too (:mod:`world_check`).
    Each file is read once, so every finding is about the same text (an editor may save meanwhile).
    """
    target = Path(path)
    if target.is_file():
        files, context_dir = [target], rule_set_directory(target)
    elif target.is_dir():
        files, context_dir = rule_files(target, recursive=True), target
    else:
        return [Diagnostic(str(target), "", "no such file or directory")]
    read: Read = cache(read_document)
    top = [read(file) for file in rule_files(context_dir, recursive=False)]
    thresholds, definitions = defined_thresholds((document.file, document.document) for document in top)
    context = _context_models(context_dir, thresholds, read)
    documents = [read(file) for file in files]
    validated = {document.file for document in documents}
    diagnostics = [problem for problem in definitions if problem.file in validated]
    if target.is_dir():
        top_level = [d for d in documents if Path(d.file).parent == target]
        _, problems = engine_documents(top_level, str(target))
        diagnostics.extend(problem for problem in problems if problem.pointer == "/kind")
    if world is not None:
        world = world.with_activity_fields(mapping_attributes(context_dir, read))
    for document in documents:
        diagnostics.extend(document.problems)
        if document.document is not None or not document.problems:
            resolved, unknown = resolve(document.document, document.file, thresholds)
            found = unknown + follow_ons_dropped(validate_document(resolved, document.file, context), unknown)
            if world is not None and resolved is not None:
                found = one_message_each(found, check_world(resolved, document.file, world))
            diagnostics.extend(found)
    return locate(diagnostics, {document.file: document.text for document in documents})


def mapping_attributes(directory: Path, read: Read = read_document) -> list[str]:
    """The activity attribute names the mappings in ``directory/mappings`` produce (each file read
    with ``read``)."""
    names: list[str] = []
    for file in (
        rule_files(directory / "mappings", recursive=False) if (directory / "mappings").is_dir() else []
    ):
        document = read(file).document
        attributes = document.get("attributes") if isinstance(document, dict) else None
        names.extend(attributes if isinstance(attributes, dict) else ())
    return names


def follow_ons_dropped(found: list[Diagnostic], causes: list[Diagnostic]) -> list[Diagnostic]:
    """``found`` without the problems at a place that encloses a cause (an unresolved threshold
    reference is one error, not also a wrong value for its operator)."""
    return [d for d in found if not any(c.pointer.startswith(d.pointer + "/") for c in causes)]


def one_message_each(found: list[Diagnostic], world: list[Diagnostic]) -> list[Diagnostic]:
    """The engine's diagnostics and the world's, one message per place: an engine error wins over
    the world's finding there, and a world finding replaces an engine warning at the same pointer."""
    engine_errors = {d.pointer for d in found if d.is_error}
    kept_world = [d for d in world if d.pointer not in engine_errors]
    world_pointers = {d.pointer for d in kept_world}
    kept = [d for d in found if d.is_error or d.pointer not in world_pointers]
    return kept + kept_world


def schema_text(kind: str) -> str:
    """The JSON Schema of one kind's files, as committed in ``rules/schema/<kind>.schema.json``."""
    schema = RULE_FILE_KINDS[kind].model.model_json_schema(by_alias=True)
    if kind in DEFINING_KINDS:
        schema["properties"][THRESHOLDS_KEY] = THRESHOLDS_SCHEMA
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
    """``python -m leadrelay.rulefiles.validate --write-schemas rules/schema``."""
    parser = argparse.ArgumentParser(prog="python -m leadrelay.rulefiles.validate", description=__doc__)
    parser.add_argument("--write-schemas", metavar="DIR", required=True, help="directory for the schemas")
    args = parser.parse_args(argv)
    for path in write_schemas(args.write_schemas):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
