"""Rule files read from disk: their text, parsed JSON and read problems (broken JSON located), and a rules
directory read once (:class:`RulesDirectory`), so that a cold start reads and parses each file once however
many loaders look at it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

from msgspec import Struct
from pydantic import BaseModel, ValidationError

from leadrelay.engine.diagnostics import Diagnostic, RuleSetError, pointer
from leadrelay.engine.nesting import TOO_DEEP, too_deep_in_text

OWNERSHIP_FILE = "ownership.json"
"""The field-ownership map's file name in a rules directory."""
ROUTING_FILE = "routing.json"
SLA_FILE = "sla.json"
M = TypeVar("M", bound=BaseModel)


class RuleDocument(Struct, frozen=True):
    """One rule file read from disk: its display name, parsed JSON (None if broken) and read problems."""

    file: str
    document: Any
    problems: tuple[Diagnostic, ...] = ()
    text: str = ""
    """The file's text as read (also when it does not parse); empty when it could not be read."""
    readable: bool = True
    """False when the file could not be read at all (its one problem says why)."""

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


def _unreadable(name: str, error: OSError | UnicodeDecodeError) -> RuleDocument:
    return RuleDocument(name, None, (Diagnostic(name, "", f"cannot read the file: {error}"),), readable=False)


def parse_text(name: str, text: str) -> RuleDocument:
    """The rule file ``name`` parsed from its ``text``: too-deep nesting and broken JSON located."""
    too_deep = too_deep_in_text(text)
    if too_deep is not None:
        problem = Diagnostic(name, too_deep.pointer, TOO_DEEP, line=too_deep.line, column=too_deep.column)
        return RuleDocument(name, None, (problem,), text)
    try:
        return RuleDocument(name, json.loads(text), text=text)
    except json.JSONDecodeError as error:
        message = f"invalid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        problem = Diagnostic(name, "", message, line=error.lineno, column=error.colno)
        return RuleDocument(name, None, (problem,), text)


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


def validated(document: RuleDocument, model: type[M], problems: list[Diagnostic]) -> M | None:
    """``document`` validated as ``model``, or ``None`` with its problems (its read problems, each
    validation error at its JSON pointer) appended to ``problems``."""
    if document.document is None:
        problems.extend(document.problems)
        return None
    try:
        return model.model_validate_json(document.text)
    except ValidationError as exc:
        for error in exc.errors(include_input=False):
            problems.append(Diagnostic(document.file, pointer(*error["loc"]), error["msg"]))
        return None


class RulesDirectory(Struct, frozen=True):
    """A rules directory read once: each rule file in it (not in its subdirectories), read and parsed."""

    path: Path
    documents: tuple[RuleDocument, ...]

    @classmethod
    def read(cls, path: str | Path) -> RulesDirectory:
        """Read every rule file of directory ``path`` (or of a file's directory); raises
        :class:`RuleSetError` when there is no such directory."""
        directory = Path(path)
        if directory.is_file():
            directory = directory.parent
        where = str(directory)
        if not directory.is_dir():
            raise RuleSetError([Diagnostic(where, "", "no such rules directory")], source=where)
        return cls(directory, tuple(read_document(file) for file in rule_files(directory, recursive=False)))

    @property
    def where(self) -> str:
        """The directory as problems name it."""
        return str(self.path)

    def named(self, name: str) -> RuleDocument | None:
        """The file ``name`` of this directory (``ownership.json``), if it has one."""
        file = str(self.path / name)
        return next((document for document in self.documents if document.file == file), None)

    def of_kinds(self, kinds: tuple[str, ...]) -> list[RuleDocument]:
        """The files that may be of ``kinds``: those whose text names one of them as a JSON string
        (``"scoring"``), and those that could not be read. Loading the engine's two files does not
        report on the others, which their own loaders check."""
        return [d for d in self.documents if not d.readable or any(f'"{kind}"' in d.text for kind in kinds)]

    def model(
        self, name: str, model: type[M], problems: list[Diagnostic], *, required: bool = False
    ) -> M | None:
        """The file ``name`` validated as ``model`` (:func:`validated`); ``None`` when it is absent,
        with a problem when it is ``required``."""
        document = self.named(name)
        if document is None:
            if required:
                message = "missing: the processor and the SLA monitor need this file"
                problems.append(Diagnostic(str(self.path / name), "", message))
            return None
        return validated(document, model, problems)
