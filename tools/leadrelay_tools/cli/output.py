"""Shared CLI output through rich: tables (aware of double-width Japanese text), progress bars, JSON,
and a terminal that values cannot take over. Colour only on a terminal; plain text when piped.

Dead letters, replay rows and rule explanations print values that came from outside (an MA id, a
URL, a company name). A value holding ANSI or OSC escape sequences could clear the operator's
screen, rewrite lines or fake a result, so every byte the CLI writes to stdout and stderr passes
:func:`escape_controls` (``main`` installs :func:`terminal_safe_output` once): C0 and C1 control
characters other than newline and tab, DEL and the bidirectional overrides become visible
``\\uXXXX`` escapes — which also keeps JSON output valid JSON. Rich writes past that escaping (its
colour codes are deliberate), so every table cell goes through :func:`cell`: literal text, never
markup, with its controls escaped.
"""

from __future__ import annotations

import io
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, TextIO, cast

from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

_PIPED_WIDTH = 10_000
"""Columns a piped console may use: a table is as wide as its cells, never wrapped at 80."""
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


def _raw(stream: TextIO) -> TextIO:
    """The stream under the escaping (rich writes its own colour codes; values are escaped as cells)."""
    return stream._inner if isinstance(stream, _EscapingStream) else stream


def console(stream: TextIO | None = None) -> Console:
    """A rich console on ``stream`` (default stdout): colour on a terminal, plain text when piped, where
    lines are never wrapped to a guessed width."""
    raw = _raw(stream or sys.stdout)
    terminal = raw.isatty() if hasattr(raw, "isatty") else False
    return Console(file=raw, width=None if terminal else _PIPED_WIDTH, highlight=False, emoji=False)


def cell(value: Any) -> Text:
    """A table cell: the value as literal text (no rich markup, control characters escaped)."""
    if value is None:
        return Text("-")
    text = f"{value:g}" if isinstance(value, float) else str(value).replace("\n", " ")
    return Text(escape_controls(text))


def table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], *, max_width: int = 60) -> Table:
    """``rows`` as a rich table with a header; cells wider than ``max_width`` end in an ellipsis."""
    grid = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    for column in columns:
        grid.add_column(column, max_width=max_width, no_wrap=True, overflow="ellipsis")
    for row in rows:
        grid.add_row(*(cell(row.get(column)) for column in columns))
    return grid


def format_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], *, max_width: int = 60) -> str:
    """The table of :func:`table` as plain text (for embedding in a longer report)."""
    buffer = io.StringIO()
    plain = Console(file=buffer, width=_PIPED_WIDTH, color_system=None, highlight=False, emoji=False)
    plain.print(table(rows, columns, max_width=max_width))
    return "\n".join(line.rstrip() for line in buffer.getvalue().rstrip("\n").splitlines())


class ProgressBar:
    """A rich progress bar on stderr, drawn only on a terminal: ``redriving ━━━━━━╸━━━ 9/20 0:00:04``."""

    def __init__(self, label: str, total: int | None, stream: TextIO | None = None) -> None:
        screen = console(stream or sys.stderr)
        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=screen,
            disable=not screen.is_terminal,
        )
        self._task = self._bar.add_task(label, total=total)
        self._bar.start()

    def update(self, done: int) -> None:
        """Show ``done`` (the total grows if the work did)."""
        total = self._bar.tasks[0].total
        self._bar.update(self._task, completed=done, total=max(total or 0, done) if total else None)

    def close(self) -> None:
        """Stop drawing (the bar stays on screen as it ended)."""
        self._bar.stop()


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
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    stream: TextIO | None = None,
    *,
    max_width: int = 60,
) -> None:
    """Print ``rows`` as a table (bold header on a terminal; plain text, no trailing blanks, when piped)."""
    screen = console(stream)
    if screen.is_terminal:
        screen.print(table(rows, columns, max_width=max_width))
    else:
        (stream or sys.stdout).write(format_table(rows, columns, max_width=max_width) + "\n")


def print_case_results(
    problems: Iterable[Any],
    results: Iterable[Any],
    differences: Callable[[Any], Iterable[str]],
    actual: Callable[[Any], str],
) -> None:
    """Test-case output shared by ``rules test`` (rule cases and pair cases): the problems, then per file
    ``PASS name`` or ``FAIL name (file:/cases/N)`` with the differences and the actual result under it."""
    for problem in problems:
        print(problem.format())
    current = None
    for result in results:
        if result.file != current:
            current = result.file
            print(current)
        if result.passed:
            print(f"  PASS  {result.name}")
            continue
        print(f"  FAIL  {result.name}  ({result.file}:/cases/{result.index})")
        for line in differences(result):
            print(f"        {line}")
        print(f"        actual: {actual(result)}")
