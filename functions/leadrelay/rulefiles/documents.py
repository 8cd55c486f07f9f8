"""Rule files read from disk: their text, parsed JSON and read problems (broken JSON located)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from leadrelay.engine.diagnostics import Diagnostic, pointer
from leadrelay.engine.nesting import TOO_DEEP, too_deep_in_text
from pydantic import BaseModel, ValidationError

OWNERSHIP_FILE = "ownership.json"
"""The field-ownership map's file name in a rules directory."""
ROUTING_FILE = "routing.json"
SLA_FILE = "sla.json"
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class RuleDocument:
    """One rule file read from disk: its display name, parsed JSON (None if broken) and read problems."""

    file: str
    document: Any
    problems: tuple[Diagnostic, ...] = ()
    text: str = ""

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
        return _unreadable(name, error)
    return parse_text(name, text)


def read_documents_of_kinds(directory: Path, kinds: tuple[str, ...]) -> list[RuleDocument]:
    """The rule files in ``directory`` (not its subdirectories) that may be of ``kinds``, read and parsed.

    A file whose text does not name one of ``kinds`` as a JSON string (``"scoring"``) cannot be of
    those kinds and is neither parsed nor returned: loading the engine's two files does not pay
    for parsing the others (which their own loaders read and report on).
    """
    documents: list[RuleDocument] = []
    for path in rule_files(directory, recursive=False):
        name = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            documents.append(_unreadable(name, error))
            continue
        if any(f'"{kind}"' in text for kind in kinds):
            documents.append(parse_text(name, text))
    return documents


def _unreadable(name: str, error: OSError | UnicodeDecodeError) -> RuleDocument:
    return RuleDocument(name, None, (Diagnostic(name, "", f"cannot read the file: {error}"),))


def parse_text(name: str, text: str) -> RuleDocument:
    """The rule file ``name`` parsed from its ``text``: too-deep nesting and broken JSON located."""
    too_deep = too_deep_in_text(text)
    if too_deep is not None:
        problem = Diagnostic(name, too_deep.pointer, TOO_DEEP, line=too_deep.line, column=too_deep.column)
        return RuleDocument(name, None, (problem,))
    try:
        return RuleDocument(name, json.loads(text), text=text)
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


def read_model_file(file: Path, model: type[M], problems: list[Diagnostic]) -> M | None:
    """``file`` validated as ``model``, or ``None`` with its problems (a missing file, each validation
    error at its JSON pointer) appended to ``problems``."""
    name = str(file)
    if not file.exists():
        problems.append(Diagnostic(name, "", "missing: the processor and the SLA monitor need this file"))
        return None
    try:
        return model.model_validate_json(file.read_bytes())
    except ValidationError as exc:
        for error in exc.errors(include_input=False):
            problems.append(Diagnostic(name, pointer(*error["loc"]), error["msg"]))
        return None
