"""Everything one running org holds: schema, store, engine, auth, faults, counters and query cursors."""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from leadrelay_tools.localorg.auth import Auth
from leadrelay_tools.localorg.bulkjobs import BulkJobs
from leadrelay_tools.localorg.changes import ChangeLog
from leadrelay_tools.localorg.dml import Engine
from leadrelay_tools.localorg.faults import Faults
from leadrelay_tools.localorg.notifications import Notification
from leadrelay_tools.localorg.schema import Schema
from leadrelay_tools.localorg.store import Store


def wall_clock() -> datetime:
    """The real time, in UTC: the org's clock unless a test sets its own."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class ApiCalls:
    """API calls counted so far: ``total`` and per endpoint kind (``query``, ``collections_update`` …)."""

    total: int
    by_kind: Mapping[str, int]

    def __getitem__(self, kind: str) -> int:
        return self.by_kind.get(kind, 0)


class CallCounter:
    """Thread-safe API call counter."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def add(self, kind: str) -> int:
        """Count one call of ``kind``; returns the new total."""
        with self._lock:
            self._counts[kind] += 1
            return sum(self._counts.values())

    def snapshot(self) -> ApiCalls:
        """The counts as an immutable value."""
        with self._lock:
            return ApiCalls(sum(self._counts.values()), dict(self._counts))

    def clear(self) -> None:
        """Start counting from zero."""
        with self._lock:
            self._counts.clear()


@dataclass
class OrgState:
    """The shared state the HTTP layer and the Python surface both work on."""

    schema: Schema
    store: Store
    engine: Engine
    auth: Auth
    faults: Faults
    changes: ChangeLog = field(default_factory=ChangeLog)
    calls: CallCounter = field(default_factory=CallCounter)
    daily_api_limit: int = 15000
    page_size: int = 2000
    instance_url: str = ""
    clock: Callable[[], datetime] = field(default=wall_clock)
    cursors: OrderedDict[str, tuple[str, list[dict[str, Any]]]] = field(default_factory=OrderedDict)
    bulk: BulkJobs = field(default_factory=BulkJobs)
    notifications: list[Notification] = field(default_factory=list)
    """Custom notifications delivered (the customNotificationAction), one per recipient, in order."""
    _cursor_seq: int = 0

    def add_cursor(self, api_version: str, records: list[dict[str, Any]]) -> str:
        """Keep the rest of a query's records for ``query_more``; returns the cursor id."""
        with self.store.lock:
            self._cursor_seq += 1
            cursor = f"01gRM{self._cursor_seq:010d}"
            self.cursors[cursor] = (api_version, records)
            while len(self.cursors) > 100:
                self.cursors.popitem(last=False)
        return cursor
