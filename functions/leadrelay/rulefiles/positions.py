"""Where a JSON pointer is in a file's text: its line and column, for editors and CI annotations.

One linear scan of the (already valid) JSON text records the position of every member key and
array item, so each diagnostic's pointer can be given a ``LINE:COLUMN``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from msgspec import Struct
from msgspec.structs import replace

from leadrelay.engine.diagnostics import Diagnostic, pointer

Position = tuple[int, int]


class _Frame(Struct):
    at: str
    is_object: bool
    index: int = 0
    key: str | None = None


def positions(text: str) -> dict[str, Position]:
    """Every JSON pointer of ``text`` → ``(line, column)`` of its member key or item (1-based)."""
    found: dict[str, Position] = {"": (1, 1)}
    frames: list[_Frame] = []
    line, line_start, index = 1, 0, 0
    expecting_value = True
    while index < len(text):
        char = text[index]
        here = (line, index - line_start + 1)
        if char == "\n":
            line, line_start = line + 1, index + 1
        elif char in " \t\r,":
            pass
        elif char == ":":
            expecting_value = True
            index += 1
            continue
        elif char in "}]":
            frames.pop()
        else:
            if frames and frames[-1].is_object and not expecting_value:
                end = _string_end(text, index)
                frame = frames[-1]
                frame.key = json.loads(text[index:end])
                found[frame.at + pointer(frame.key)] = here
                index = end
                continue
            at = _value_pointer(frames, found, here)
            if char in "{[":
                frames.append(_Frame(at, is_object=char == "{"))
                expecting_value = char == "["
                index += 1
                continue
            index = _string_end(text, index) if char == '"' else _scalar_end(text, index)
            expecting_value = bool(frames) and not frames[-1].is_object
            continue
        if char in ",}]":
            expecting_value = bool(frames) and not frames[-1].is_object
        index += 1
    return found


def _value_pointer(frames: list[_Frame], found: dict[str, Position], here: Position) -> str:
    if not frames:
        return ""
    frame = frames[-1]
    if frame.is_object:
        return frame.at + pointer(frame.key or "")
    at = frame.at + pointer(frame.index)
    found[at] = here
    frame.index += 1
    return at


def _string_end(text: str, start: int) -> int:
    index = start + 1
    while index < len(text) and text[index] != '"':
        index += 2 if text[index] == "\\" else 1
    return index + 1


def _scalar_end(text: str, start: int) -> int:
    index = start
    while index < len(text) and text[index] not in " \t\r\n,}]":
        index += 1
    return index


def locate(diagnostics: Iterable[Diagnostic], texts: dict[str, str]) -> list[Diagnostic]:
    """``diagnostics`` with the line and column of their pointer (the nearest enclosing one known)."""
    tables: dict[str, dict[str, Position]] = {}
    located = []
    for diagnostic in diagnostics:
        text = texts.get(diagnostic.file)
        if diagnostic.line is not None or text is None:
            located.append(diagnostic)
            continue
        table = tables.setdefault(diagnostic.file, _safe_positions(text))
        where = diagnostic.pointer
        while where and where not in table:
            where = where.rsplit("/", 1)[0]
        line, column = table.get(where, (1, 1))
        located.append(replace(diagnostic, line=line, column=column))
    return located


def _safe_positions(text: str) -> dict[str, Position]:
    try:
        json.loads(text)
    except ValueError:
        return {}
    return positions(text)
