"""pykakasi's kana/kanji dictionary, read one first character at a time instead of all at once.

pykakasi 2.3 keeps its dictionary (``pykakasi/data/kanwadict4.db``) as one pickle of 6,823 tables, one
per first character, and unpickles all of it on its first conversion: about half a second and 110 MB,
for a lead whose name needs three of them. The data and the algorithm stay pykakasi's; what changes is
only *how the tables are loaded*:

* :func:`build_shards` re-keys pykakasi's own pickle into ``kanwadict4.shards`` beside it: an index
  (the first characters' code points in order, each table's offset and length, as three arrays read
  without decoding) and each table in ``marshal`` form. ``functions/Makefile`` runs
  it (as a script: ``python -P reading_dictionary.py DATA_DIR``) for every Lambda artifact, ``make
  setup`` for the development environment, ``bench.coldstart`` for its packages.
* :func:`install` hands pykakasi a :class:`ShardedKanwaTable` in place of the table it would load, so
  pykakasi's ``Kanwa.load(char)`` reads that character's table on first use and keeps it.

:func:`install` checks that pykakasi's internals are the ones this relies on and that the shards were
built from the pickle pykakasi ships (its size is recorded); otherwise it leaves pykakasi to load its
own dictionary, logs why, and returns False: slower, never wrong. Standard library only, so the build
runs it without the functions' dependencies.
"""

from __future__ import annotations

import importlib.util
import logging
import marshal
import pickle
import struct
import sys
import threading
from array import array
from bisect import bisect_left
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

PICKLE_NAME = "kanwadict4.db"
SHARDS_NAME = "kanwadict4.shards"
SHARDS_FORMAT = b"LRKANWA2"
"""The first bytes of a shard file of this format (a file of another is refused, and rebuilt by setup)."""
_HEADER = struct.Struct("<8sQQ")  # magic, size of the pickle it came from, number of tables
_INDEX = ("I", "Q", "I")  # code points (sorted), offsets, lengths: little-endian arrays of 4, 8, 4 bytes


def pykakasi_data() -> Path | None:
    """pykakasi's data directory, found without importing pykakasi (``None`` when it is not installed)."""
    spec = importlib.util.find_spec("pykakasi")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def build_shards(data: Path) -> Path:
    """Write ``data/kanwadict4.shards`` from pykakasi's ``data/kanwadict4.db`` (atomically) and return it."""
    source = data / PICKLE_NAME
    with source.open("rb") as file:
        table: dict[int, Any] = pickle.load(file)  # noqa: S301 - pykakasi's own data file
    keys = sorted(table)
    blobs = [marshal.dumps(table[key]) for key in keys]
    offsets = [0]
    for blob in blobs[:-1]:
        offsets.append(offsets[-1] + len(blob))
    columns = (keys, offsets, [len(blob) for blob in blobs])
    index = b"".join(
        _little_endian(array(code, column)).tobytes() for code, column in zip(_INDEX, columns, strict=True)
    )
    target = data / SHARDS_NAME
    partial = target.with_suffix(".partial")
    with partial.open("wb") as out:
        out.write(_HEADER.pack(SHARDS_FORMAT, source.stat().st_size, len(keys)))
        out.write(index)
        out.writelines(blobs)
    partial.replace(target)
    return target


class ShardedKanwaTable:
    """The mapping pykakasi's ``Kanwa`` reads (``get(ord(first character))``), loaded per key on demand."""

    def __init__(self, path: Path, *, expected_source_size: int | None = None) -> None:
        with path.open("rb") as file:
            magic, source_size, count = _HEADER.unpack(file.read(_HEADER.size))
            if magic != SHARDS_FORMAT:
                raise ValueError(f"{path} is not a leadrelay reading-dictionary shard file of this version")
            if expected_source_size is not None and source_size != expected_source_size:
                raise ValueError(f"{path} was built from another pykakasi dictionary")
            columns = []
            for code in _INDEX:
                column = array(code)
                column.frombytes(file.read(count * column.itemsize))
                columns.append(_little_endian(column))
        self._keys, self._offsets, self._lengths = columns
        self._path = path
        self._base = _HEADER.size + count * sum(array(code).itemsize for code in _INDEX)
        self._tables: dict[int, Any] = {}
        self._lock = threading.Lock()

    def get(self, key: int, default: Any = None) -> Any:
        """The table of the character with code point ``key``, read from disk the first time."""
        table = self._tables.get(key)
        if table is not None:
            return table
        at = bisect_left(self._keys, key)
        if at == len(self._keys) or self._keys[at] != key:
            return default
        with self._lock, self._path.open("rb") as file:
            file.seek(self._base + self._offsets[at])
            table = marshal.loads(file.read(self._lengths[at]))  # noqa: S302 - built by build_shards
        self._tables[key] = table
        return table

    def __len__(self) -> int:
        return len(self._keys)

    def loaded(self) -> int:
        """How many characters' tables have been read so far."""
        return len(self._tables)


def _little_endian(column: array[int]) -> array[int]:
    """``column`` in the file's byte order (swapped in place on a big-endian machine)."""
    if sys.byteorder == "big":
        column.byteswap()
    return column


def install(data: Path | None = None) -> bool:
    """Make pykakasi read its dictionary through a :class:`ShardedKanwaTable` (before its first use).

    Returns False, after logging why, when the shards are missing or do not fit the installed pykakasi;
    pykakasi then loads its whole dictionary as usual.
    """
    data = data or pykakasi_data()
    if data is None:
        return False
    shards = data / SHARDS_NAME
    if not shards.is_file():
        logger.warning("reading dictionary: no %s; pykakasi loads its whole dictionary", shards)
        return False
    from pykakasi import kanji

    state = getattr(kanji.Kanwa, "_shared_state", None)
    if not isinstance(state, dict) or "_jisyo_table" not in state:
        logger.warning("reading dictionary: this pykakasi keeps its dictionary otherwise; loading it whole")
        return False
    if state["_jisyo_table"] is not None:
        return isinstance(state["_jisyo_table"], ShardedKanwaTable)
    try:
        state["_jisyo_table"] = ShardedKanwaTable(
            shards, expected_source_size=(data / PICKLE_NAME).stat().st_size
        )
    except (OSError, ValueError) as exc:
        logger.warning("reading dictionary: %s; pykakasi loads its whole dictionary", exc)
        return False
    return True


if __name__ == "__main__":  # the build: python -P reading_dictionary.py [PYKAKASI_DATA_DIR]
    written = build_shards(Path(sys.argv[1]) if len(sys.argv) > 1 else pykakasi_data() or Path("."))
    print(f"reading dictionary: wrote {written} ({written.stat().st_size / 2**20:.1f} MB)")
