"""Regular expressions compiled by the build, not by every cold start.

A function's cold start compiles a few hundred regular expressions that its libraries and ours compile
at import (urllib3's URL grammar, phonenumbers' number patterns, botocore's, the standard library's…):
about 24 ms of the processor's import on the development machine, parsing each pattern again in pure
Python in every new execution environment. What ``re`` compiles a pattern to — the list of integers
``_sre.compile`` turns into a ``Pattern`` — depends only on the pattern, its flags and the Python
version. So the build (``functions/Makefile``) compiles the patterns listed in
``functions/regex_patterns.json`` (what the functions were seen compiling: ``python -m bench.coldstart
--record-patterns`` writes it) into ``regex.snapshot`` at the artifact's root, and at cold start
``leadrelay/__init__.py`` calls :func:`install_shipped_snapshot`: ``re`` then builds a listed pattern
straight from its snapshot (``_sre.compile``, which validates the code it is given) and compiles anything
else as before.

What a caller gets is what ``re.compile`` would have given it — an equal ``Pattern`` (the same code,
flags and groups), cached by ``re`` as before. Nothing is installed, and ``re`` compiles everything
itself, when there is no snapshot (tests, local runs), it was written by another Python version or
another version of ``re``'s engine (the key is the Python version and ``_sre.MAGIC``), or it cannot be
read; an entry ``_sre`` rejects is compiled as before. Standard library only: it runs before anything
else is imported, and as the build's script (``python -P leadrelay/regex_snapshot.py ARTIFACT_DIR``).
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]  # re's engine: no stubs
import marshal
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from re import _compiler  # type: ignore[attr-defined]  # re's compiler: no stubs
from typing import Any

SNAPSHOT_NAME = "regex.snapshot"
PATTERN_LIST = "regex_patterns.json"
"""The patterns to snapshot, beside the build's Makefile (``functions/``)."""

Compile = Callable[[Any, int], re.Pattern[Any]]
Key = tuple[str | bytes, int]
"""A pattern and the flags it is compiled with, as ``re`` hands them to its compiler."""
Entry = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]
"""What ``_sre.compile`` is given after the pattern: its final flags, its code, the number of groups less
one, the group names to numbers and the numbers to names."""


def engine_key() -> tuple[int, int, int, int]:
    """What a snapshot is valid for: this Python's minor version and its regular-expression engine."""
    return (sys.version_info[0], sys.version_info[1], _sre.MAGIC, _sre.CODESIZE)


class SnapshotCompiler:
    """``re``'s compiler, building the snapshot's patterns from their compiled code."""

    def __init__(self, entries: dict[Key, Entry], compile_anew: Compile) -> None:
        self.entries = entries
        self.compile_anew = compile_anew
        """The compiler ``re`` had: for every pattern not in the snapshot."""

    def __call__(self, pattern: Any, flags: int = 0) -> re.Pattern[Any]:
        """The compiled ``pattern``: from the snapshot when it holds it, else compiled as before."""
        kind = type(pattern)
        entry = self.entries.get((pattern, flags)) if kind is str or kind is bytes else None
        if entry is not None:
            try:
                return _sre.compile(pattern, *entry)  # type: ignore[no-any-return]
            except RuntimeError:  # "invalid SRE code": compiled as before
                pass
        return self.compile_anew(pattern, flags)


def install(path: Path) -> SnapshotCompiler | None:
    """Have ``re`` build the patterns in the snapshot at ``path`` from it; ``None`` (and nothing installed)
    when there is no snapshot there, another Python or engine wrote it, or it is unreadable."""
    try:
        data = path.read_bytes()
        key, entries = marshal.loads(data)  # noqa: S302 - the build's own snapshot
    except (OSError, ValueError, EOFError, TypeError):  # missing, truncated or not a snapshot
        return None
    if key != engine_key() or not isinstance(entries, dict):
        return None
    compiler = SnapshotCompiler(entries, _compiler.compile)
    _compiler.compile = compiler
    return compiler


def uninstall(compiler: SnapshotCompiler) -> None:
    """Give ``re`` back the compiler it had before :func:`install` (tests)."""
    if _compiler.compile is compiler:
        _compiler.compile = compiler.compile_anew


def install_shipped_snapshot() -> SnapshotCompiler | None:
    """Install the snapshot the build writes at the artifact's root (beside the ``leadrelay`` package)."""
    return install(Path(__file__).resolve().parent.parent / SNAPSHOT_NAME)


def compiled_entry(pattern: str | bytes, flags: int) -> Entry:
    """What ``re``'s own compiler hands ``_sre.compile`` for ``pattern`` (it is called with a stand-in for
    ``_sre`` that keeps the arguments)."""
    captured: list[tuple[Any, ...]] = []

    class Capture:
        def __getattr__(self, name: str) -> Any:
            return getattr(_sre, name)

        @staticmethod
        def compile(*arguments: Any) -> None:
            captured.append(arguments)

    engine = _compiler._sre
    _compiler._sre = Capture()
    try:
        _compiler.compile(pattern, flags)
    finally:
        _compiler._sre = engine
    _, final_flags, code, groups, groupindex, indexgroup = captured[0]
    return (int(final_flags), [int(op) for op in code], int(groups), dict(groupindex), tuple(indexgroup))


def write_snapshot(destination: Path, patterns: Iterable[Key]) -> int:
    """Compile ``patterns`` into a snapshot at ``destination``, for this Python; how many it holds (a
    pattern this Python cannot compile, or one compiled for debugging, is left out)."""
    entries: dict[Key, Entry] = {}
    for pattern, flags in patterns:
        if flags & re.DEBUG:
            continue
        try:
            entries[(pattern, flags)] = compiled_entry(pattern, flags)
        except (re.error, OverflowError, ValueError, TypeError):
            continue
    destination.write_bytes(marshal.dumps((engine_key(), entries)))
    return len(entries)


def read_pattern_list(path: Path) -> list[Key]:
    """The patterns in a list written by :func:`write_pattern_list`."""
    import json  # the build's and the recorder's: not a cold start's

    document = json.loads(path.read_text(encoding="utf-8"))
    return [(_decoded(item["pattern"], item.get("bytes", False)), int(item["flags"])) for item in document]


def write_pattern_list(path: Path, patterns: Iterable[Key]) -> int:
    """Write ``patterns`` (sorted, each once) as the JSON list the build reads; how many."""
    import json  # the build's and the recorder's: not a cold start's

    unique = sorted(set(patterns), key=lambda key: (isinstance(key[0], bytes), repr(key[0]), key[1]))
    document = [
        {"pattern": key[0].decode("latin-1"), "flags": key[1], "bytes": True}
        if isinstance(key[0], bytes)
        else {"pattern": key[0], "flags": key[1]}
        for key in unique
    ]
    lines = ",\n".join(json.dumps(item) for item in document)  # one pattern a line (ASCII: lone surrogates)
    path.write_text(f"[\n{lines}\n]\n", encoding="utf-8")
    return len(document)


def _decoded(pattern: str, is_bytes: bool) -> str | bytes:
    return pattern.encode("latin-1") if is_bytes else pattern


def main(argv: Sequence[str]) -> None:
    """``ARTIFACT_DIR [PATTERN_LIST]``: write ``ARTIFACT_DIR/regex.snapshot`` from the pattern list
    (``regex_patterns.json`` in the current directory by default, as the build runs it)."""
    artifact = Path(argv[0]).resolve()
    listed = Path(argv[1]) if len(argv) > 1 else Path(PATTERN_LIST)
    count = write_snapshot(artifact / SNAPSHOT_NAME, read_pattern_list(listed))
    print(f"{SNAPSHOT_NAME}: {count} regular expressions")


if __name__ == "__main__":  # the build: python -P leadrelay/regex_snapshot.py ARTIFACT_DIR
    main(sys.argv[1:])
