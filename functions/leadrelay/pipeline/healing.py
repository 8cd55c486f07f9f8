"""Healing what Change Data Capture could not describe: the ``heal`` step, before resolution.

Ingress turns gap, overflow and wildcard change events into events the processor resolves by reading
the org (docs/processor.md, "CDC gap events"):

* a **re-sync window** (``records_changed``: an overflow or a wildcard ``recordIds`` on Lead or
  Contact) becomes one re-read event per record of its object whose ``LastModifiedDate`` lies in the
  window — ``lead_updated`` / ``contact_updated`` about the record's id, keyed
  ``<window key>:<record id>`` — found by one bounded query (every page followed). The re-reads then
  go through resolution, rules and write-back like any re-read gap; a failure of any of them is the
  window's (:attr:`BatchState.parents`), so the window comes back or is dead-lettered whole, and a
  redelivery re-reads it all again (the writes are idempotent). A window with no records is applied
  with nothing to do; one with more than ``max_records`` is dead-lettered as
  ``RESYNC_WINDOW_TOO_LARGE``.
* a **Task to re-read** (``task_changed``: a gap on Tasks) is read by id with the batch's other
  Tasks in one query; a completed Task with a ``WhoId`` becomes ``task_completed`` about that
  person, as its change event would have; any other (open, about nobody, deleted) is applied with
  nothing to do.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import partial
from typing import Any

from msgspec import Struct

from leadrelay.domain.errors import ErrorDetail, ErrorSource
from leadrelay.domain.events import COMPLETED_TASK_STATUSES, CanonicalEvent, Identity, RecordChangeType
from leadrelay.domain.failures import RESYNC_WINDOW_TOO_LARGE, SalesforceCallError
from leadrelay.domain.identity import id15
from leadrelay.pipeline.context import StepContext
from leadrelay.pipeline.state import BatchState
from leadrelay.ports import SalesforceGateway

logger = logging.getLogger(__name__)

TASK_FIELDS = ("WhoId", "Status", "IsClosed")
_REREAD = {"Lead": RecordChangeType.LEAD_UPDATED, "Contact": RecordChangeType.CONTACT_UPDATED}


class HealGaps(Struct):
    """Re-sync windows → re-reads of their records; Tasks to re-read → ``task_completed`` or nothing."""

    gateway: SalesforceGateway
    max_records: int
    completed_statuses: frozenset[str] = COMPLETED_TASK_STATUSES
    name: str = "heal"

    def run(self, batch: BatchState, ctx: StepContext) -> None:
        """Expand every window of the batch, then read its Tasks at once."""
        for key, event in list(batch.working.items()):
            if event.window is not None:
                self._expand(batch, ctx, key, event)
        tasks = {k: e for k, e in batch.working.items() if e.type == RecordChangeType.TASK_CHANGED}
        if tasks:
            self._read_tasks(batch, ctx, tasks)

    def _expand(self, batch: BatchState, ctx: StepContext, key: str, window_event: CanonicalEvent) -> None:
        del batch.working[key]
        window, entity, change = window_event.window, window_event.entity, window_event.change
        if window is None or entity not in _REREAD or change is None:  # CanonicalEvent ensures them
            return
        query = partial(
            self.gateway.modified_between,
            entity,
            window.since,
            window.until,
            limit=self.max_records + 1,
            time_left=ctx.retrier.remaining,
        )
        try:
            ids = ctx.retrier.call(query, name=f"query {entity} modified in a re-sync window")
        except SalesforceCallError as failure:
            batch.fail(key, ctx.failure([failure.error]))
            return
        if len(ids) > self.max_records:
            message = (
                f"more than {self.max_records} {entity} records were modified between "
                f"{window.since.isoformat()} and {window.until.isoformat()}; re-evaluate them with a "
                "narrower replay, or raise LEADRELAY_RESYNC_MAX_RECORDS and redrive this letter"
            )
            error = ErrorDetail(
                source=ErrorSource.EVENT, status_code=RESYNC_WINDOW_TOO_LARGE, message=message
            )
            batch.fail(key, ctx.failure([error]))
            return
        logger.info(
            "re-sync window expanded",
            extra={"event_key": key, "entity": entity, "records": len(ids)},
        )
        for record_id in ids:
            reread = window_event.model_copy(
                update={
                    "idempotency_key": f"{key}:{record_id}",
                    "type": _REREAD[entity].value,
                    "identity": Identity(salesforce_id=record_id),
                    "change": change.model_copy(update={"record_id": record_id}),
                    "window": None,
                }
            )
            batch.working[reread.idempotency_key] = reread
            batch.parents[reread.idempotency_key] = key

    def _read_tasks(self, batch: BatchState, ctx: StepContext, tasks: Mapping[str, CanonicalEvent]) -> None:
        for key in tasks:
            del batch.working[key]
        ids = list(dict.fromkeys(str(event.identity.salesforce_id) for event in tasks.values()))
        read = partial(self.gateway.read, "Task", ids, TASK_FIELDS, time_left=ctx.retrier.remaining)
        try:
            records = ctx.retrier.call(read, name="query Task by Id")
        except SalesforceCallError as failure:
            for key in tasks:
                batch.fail(key, ctx.failure([failure.error]))
            return
        by_id = {id15(str(record["Id"])): record for record in records}
        for key, event in tasks.items():
            record = by_id.get(id15(str(event.identity.salesforce_id)))
            completed = self._completed(record, event)
            if completed is not None:
                batch.working[key] = completed
            else:
                logger.info("re-read Task completes nothing: nothing to do", extra={"event_key": key})

    def _completed(self, record: Mapping[str, Any] | None, event: CanonicalEvent) -> CanonicalEvent | None:
        """``event`` as the ``task_completed`` its Task now is, or ``None`` (open, about nobody, gone)."""
        if record is None or not record.get("WhoId"):
            return None
        status = record.get("Status")
        if not (record.get("IsClosed") is True or status in self.completed_statuses):
            return None
        return event.model_copy(
            update={
                "type": RecordChangeType.TASK_COMPLETED.value,
                "identity": Identity(salesforce_id=str(record["WhoId"])),
                "fields": {name: record.get(name) for name in TASK_FIELDS},
            }
        )
