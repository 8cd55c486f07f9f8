"""Reading an export row by row: CSV (UTF-8 with or without BOM, or CP932, detected) or JSON Lines.

``detect_encoding`` reads the file once in blocks (never all of it at once) to tell UTF-8 from
CP932; ``read_rows`` then yields ``(row number, row | None, problem | None)`` one row at a time, so
a bad row is named by its number and skipped while the run goes on.
"""

from __future__ import annotations

import codecs
import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

Row = tuple[int, dict[str, Any] | None, str | None]
BLOCK = 1 << 20
MAX_FIELD = 1 << 20
"""The longest CSV value read (1 MiB): a longer one is a broken row, named and skipped."""


def detect_encoding(path: Path, encoding: str | None) -> str:
    """``encoding`` if given (checked to exist), else ``utf-8-sig`` if every byte decodes, else ``cp932``."""
    if encoding:
        codecs.lookup(encoding)
        return encoding
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as source:
        try:
            while block := source.read(BLOCK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp932"
    return "utf-8-sig"


def label(encoding: str) -> str:
    """How the encoding is named to the user: ``UTF-8``, ``CP932`` or as given."""
    return {"utf-8-sig": "UTF-8", "cp932": "CP932"}.get(encoding, encoding)


def read_rows(path: Path, encoding: str) -> Iterator[Row]:
    """Each row of ``path`` as it is read: a dict, or None and why it cannot be used."""
    with path.open(encoding=encoding, newline="") as source:
        if path.suffix.lower() == ".jsonl":
            yield from _jsonl(source)
        else:
            yield from _csv(source)


def _jsonl(source: Any) -> Iterator[Row]:
    for number, line in enumerate(source, 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as error:
            yield number, None, f"not JSON ({error})"
            continue
        yield (number, value, None) if isinstance(value, dict) else (number, None, "not a JSON object")


def _csv(source: Any) -> Iterator[Row]:
    csv.field_size_limit(min(MAX_FIELD, sys.maxsize))
    reader = csv.DictReader(source)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # DictReader's own line_num is the last good row's: ask its reader
            yield reader.reader.line_num, None, f"broken CSV ({error})"
            continue
        if None in row:
            yield reader.line_num, None, "more values than the header has columns"
            continue
        yield reader.line_num, dict(row), None
