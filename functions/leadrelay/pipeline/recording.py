"""Recording a batch's activities and reading its people's histories: a failure costs only its events.

The store answers per item: an activity it cannot store fails that event (and it comes back), the
others are stored and evaluated. A history read that fails is asked again person by person, so a
read that fails for one person fails that person's events only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from msgspec import Struct, field

from leadrelay.domain.errors import ErrorDetail, ErrorSource
from leadrelay.domain.events import CanonicalEvent, EventKind
from leadrelay.domain.failures import ACTIVITY_STORE_ERROR
from leadrelay.domain.identity import NewLead, Person, identity_from_key
from leadrelay.ports import ActivityStore

logger = logging.getLogger(__name__)

Target = tuple[Person | NewLead, list[CanonicalEvent]]


class Recorded(Struct):
    """Each person's history, and the events the store failed (by idempotency key)."""

    histories: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    failed: dict[str, ErrorDetail] = field(default_factory=dict)

    def remaining(self, targets: Sequence[Target]) -> list[Target]:
        """``targets`` without the failed events (and without people left with none)."""
        kept = [
            (person, [e for e in events if e.idempotency_key not in self.failed])
            for person, events in targets
        ]
        return [(person, events) for person, events in kept if events]


def store_error(exc: Exception) -> ErrorDetail:
    """A store failure as the transient error of the events it concerns."""
    return ErrorDetail(
        source=ErrorSource.ACTIVITY_STORE,
        status_code=ACTIVITY_STORE_ERROR,
        message=f"{type(exc).__name__}: {exc}",
    )


def record_and_read(
    store: ActivityStore,
    targets: Sequence[Target],
    *,
    since: datetime,
    in_time: Callable[[], bool] = lambda: True,
) -> Recorded:
    """Record the targets' activities under their person's key, then read each person's history
    (``in_time()`` says whether another read may still start when reads are retried one by one)."""
    recorded = Recorded()
    activities = [
        (event, _keyed(event, person.key))
        for person, events in targets
        for event in events
        if event.kind is EventKind.ACTIVITY
    ]
    results: Sequence[bool | Exception]
    try:
        results = store.record([keyed for _, keyed in activities])
    except Exception as exc:  # the store as a whole failed: every activity comes back
        results = [exc] * len(activities)
    for (event, _), result in zip(activities, results, strict=True):
        if isinstance(result, Exception):
            recorded.failed[event.idempotency_key] = store_error(result)
    people = recorded.remaining(targets)
    keys = {person.key: history_keys(person, events) for person, events in people}
    read = _read(
        store, list(dict.fromkeys(k for person_keys in keys.values() for k in person_keys)), since, in_time
    )
    for key, person_keys in keys.items():
        error = next((read[k] for k in person_keys if isinstance(read.get(k), Exception)), None)
        if isinstance(error, Exception):
            for event in (e for p, events in people if p.key == key for e in events):
                recorded.failed[event.idempotency_key] = store_error(error)
        else:
            recorded.histories[key] = joined_history(
                [h for k in person_keys if not isinstance(h := read.get(k, []), Exception)]
            )
    if recorded.failed:
        logger.warning("activity store failed for %d event(s)", len(recorded.failed))
    return recorded


def history_keys(person: Person | NewLead, events: Sequence[CanonicalEvent]) -> list[str]:
    """The keys a person's history is read under: theirs, then every other e-mail key their events
    name — the address an event matched by name and company came from (名寄せ), or a second new person
    of the batch found to be this one — so histories recorded apart before two were found to be one
    person are read together (new activities are recorded under the person's key only)."""
    aliases = (event.identity.key for event in events if event.identity.email)
    return list(dict.fromkeys([person.key, *(key for key in aliases if key != person.key)]))


def joined_history(histories: Sequence[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Several histories as one, oldest first, each activity once (by its ``id``)."""
    if len(histories) == 1:
        return histories[0]
    seen: dict[str, dict[str, Any]] = {}
    for history in histories:
        for activity in history:
            seen.setdefault(str(activity.get("id")), activity)
    return sorted(seen.values(), key=lambda activity: (activity["occurred_at"], str(activity.get("id"))))


def _read(
    store: ActivityStore, keys: Sequence[str], since: datetime, in_time: Callable[[], bool]
) -> Mapping[str, list[dict[str, Any]] | Exception]:
    """Every key's history in one call; if that fails, key by key while time allows (so one key fails
    alone; keys left when time runs out fail with the first error)."""
    try:
        return dict(store.history(keys, since=since))
    except Exception as exc:  # find which keys the failure belongs to
        failure = exc
    if len(keys) == 1:
        return {keys[0]: failure}
    read: dict[str, list[dict[str, Any]] | Exception] = {}
    for key in keys:
        if not in_time():
            read[key] = failure
            continue
        try:
            read[key] = store.history([key], since=since).get(key, [])
        except Exception as exc:  # this key only
            read[key] = exc
    return read


def _keyed(event: CanonicalEvent, key: str) -> CanonicalEvent:
    """``event`` filed under its person's history key (an event with an id only joins the e-mail's)."""
    if event.identity.key == key:
        return event
    return event.model_copy(update={"identity": identity_from_key(key)})
