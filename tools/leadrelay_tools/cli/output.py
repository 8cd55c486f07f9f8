"""Shared CLI output: aligned tables (aware of double-width Japanese text), JSON, and a terminal that
values cannot take over.

Dead letters, replay rows and rule explanations print values that came from outside (an MA id, a
URL, a company name). A value holding ANSI or OSC escape sequences could clear the operator's
screen, rewrite lines or fake a result, so every byte the CLI writes to stdout and stderr passes
:func:`escape_controls` (``main`` installs :func:`terminal_safe_output` once): C0 and C1 control
characters other than newline and tab, DEL and the bidirectional overrides become visible
``\\uXXXX`` escapes — which also keeps JSON output valid JSON.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, TextIO, cast

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    """``text`` with every terminal control character shown as ``\\uXXXX`` (newline and tab kept)."""
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


class _EscapingStream:
    """A text stream that escapes control characters on their way to ``inner``."""

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        return self._inner.write(escape_controls(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def write_own_controls(stream: TextIO, text: str) -> None:
    """Write ``text`` — the CLI's own output holding deliberate controls, such as a progress bar's
    carriage return — past the escaping; ``text`` must not contain values from outside."""
    inner = stream._inner if isinstance(stream, _EscapingStream) else stream
    inner.write(text)


@contextmanager
def terminal_safe_output() -> Iterator[None]:
    """While active, everything written to ``sys.stdout`` and ``sys.stderr`` is escaped."""
    saved = sys.stdout, sys.stderr
    sys.stdout = cast("TextIO", _EscapingStream(sys.stdout))
    sys.stderr = cast("TextIO", _EscapingStream(sys.stderr))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def display_width(text: str) -> int:
    """Terminal columns taken by ``text``: East Asian wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace("\n", " ")


def format_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], *, max_width: int = 60) -> str:
    """Render ``rows`` as a plain-text table with a header; cells longer than ``max_width`` are cut."""
    cells = [[_truncate(_cell(row.get(col)), max_width) for col in columns] for row in rows]
    widths = [
        max([display_width(col), *(display_width(line[i]) for line in cells)])
        for i, col in enumerate(columns)
    ]
    header = "  ".join(_pad(col, w) for col, w in zip(columns, widths, strict=True))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(_pad(c, w) for c, w in zip(line, widths, strict=True)).rstrip() for line in cells]
    return "\n".join([header.rstrip(), rule, *body])


def _truncate(text: str, limit: int) -> str:
    if display_width(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        used += display_width(ch)
        if used > limit - 1:
            break
        out.append(ch)
    return "".join(out) + "…"


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return str(value)


def print_json(payload: Any, stream: TextIO | None = None) -> None:
    """Write ``payload`` as indented UTF-8 JSON (Japanese kept readable, not \\u-escaped)."""
    out = stream or sys.stdout
    out.write(json.dumps(payload, ensure_ascii=False, indent=2, default=_json_default) + "\n")


def print_table(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], stream: TextIO | None = None
) -> None:
    """Write ``format_table(rows, columns)`` followed by a newline."""
    (stream or sys.stdout).write(format_table(rows, columns) + "\n")
