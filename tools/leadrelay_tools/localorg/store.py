"""SQLite storage: one table per sObject, one column per field, plus a sequence table for ids."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from leadrelay_tools.localorg.ids import make_id
from leadrelay_tools.localorg.schema import ObjectDef, Schema
from leadrelay_tools.localorg.values import sql_type


def table(obj: ObjectDef) -> str:
    """The quoted table name for ``obj``."""
    return f'"sobject_{obj.name}"'


def column(name: str) -> str:
    """A quoted column name."""
    return f'"{name}"'


class Store:
    """Records in SQLite. Callers hold ``lock`` around each request; writes run in ``transaction()``."""

    def __init__(self, schema: Schema, path: str = ":memory:") -> None:
        self.schema = schema
        self.lock = threading.RLock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL" if path != ":memory:" else "PRAGMA journal_mode=MEMORY")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("CREATE TABLE IF NOT EXISTS id_sequence (prefix TEXT PRIMARY KEY, last INTEGER)")
        for obj in schema:
            self._ensure_table(obj)

    def _ensure_table(self, obj: ObjectDef) -> None:
        cols = ", ".join(
            f"{column(f.name)} {sql_type(f)}{' PRIMARY KEY' if f.name == 'Id' else ''}" for f in obj
        )
        self.db.execute(f"CREATE TABLE IF NOT EXISTS {table(obj)} ({cols})")
        existing = {row[1].lower() for row in self.db.execute(f"PRAGMA table_info({table(obj)})")}
        for fdef in obj:
            if fdef.name.lower() not in existing:  # the DX source gained a field since the file was made
                self.db.execute(f"ALTER TABLE {table(obj)} ADD COLUMN {column(fdef.name)} {sql_type(fdef)}")
        for fdef in obj:
            if fdef.external_id or fdef.unique or fdef.type in ("email", "reference"):
                index = f'"ix_{obj.name}_{fdef.name}"'
                self.db.execute(f"CREATE INDEX IF NOT EXISTS {index} ON {table(obj)} ({column(fdef.name)})")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A transaction (or savepoint when nested) rolled back if the block raises."""
        name = f"sp{id(self)}_{threading.get_ident()}"
        self.db.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            self.db.execute(f"ROLLBACK TO {name}")
            self.db.execute(f"RELEASE {name}")
            raise
        self.db.execute(f"RELEASE {name}")

    def new_id(self, obj: ObjectDef) -> str:
        """The next record id for ``obj``."""
        row = self.db.execute(
            "INSERT INTO id_sequence VALUES (?, 1)"
            " ON CONFLICT(prefix) DO UPDATE SET last = last + 1 RETURNING last",
            (obj.key_prefix,),
        ).fetchone()
        return make_id(obj.key_prefix, int(row[0]))

    def insert(self, obj: ObjectDef, values: Mapping[str, Any]) -> None:
        """Insert a row; ``values`` maps canonical field names to stored values."""
        names = list(values)
        marks = ", ".join("?" for _ in names)
        sql = f"INSERT INTO {table(obj)} ({', '.join(column(n) for n in names)}) VALUES ({marks})"  # noqa: S608 - identifiers from the schema, values bound
        self.db.execute(sql, [values[n] for n in names])

    def update(self, obj: ObjectDef, record_id: str, values: Mapping[str, Any]) -> None:
        """Set ``values`` on the row ``record_id``."""
        if values:
            sets = ", ".join(f"{column(n)} = ?" for n in values)
            sql = f'UPDATE {table(obj)} SET {sets} WHERE "Id" = ?'  # noqa: S608 - identifiers from the schema, values bound
            self.db.execute(sql, [*values.values(), record_id])

    def get(self, obj: ObjectDef, record_id: str) -> dict[str, Any] | None:
        """The stored row (deleted rows too), keyed by canonical field name."""
        sql = f'SELECT * FROM {table(obj)} WHERE "Id" = ?'  # noqa: S608 - identifiers from the schema, values bound
        rows = self.select(obj, sql, [record_id])
        return rows[0] if rows else None

    def find(self, obj: ObjectDef, field_name: str, value: Any) -> list[str]:
        """Ids of live rows whose ``field_name`` equals ``value`` (case-insensitive for text)."""
        where = f'{column(field_name)} = ? AND "IsDeleted" = 0'
        sql = f'SELECT "Id" FROM {table(obj)} WHERE {where} ORDER BY rowid'  # noqa: S608 - identifiers from the schema, values bound
        return [row[0] for row in self.db.execute(sql, [value])]

    def select(self, obj: ObjectDef, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        """Rows of an arbitrary SELECT as dicts keyed by column name."""
        cursor = self.db.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def clear(self) -> None:
        """Delete every row of every object and restart the id sequences."""
        for obj in self.schema:
            self.db.execute(f"DELETE FROM {table(obj)}")  # noqa: S608 - identifiers from the schema, values bound
        self.db.execute("DELETE FROM id_sequence")

    def close(self) -> None:
        """Close the database."""
        self.db.close()
