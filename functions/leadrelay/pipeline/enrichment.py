"""The step before identity resolution: events that name a person by MA id only get their e-mail.

For each MA with a directory, the batch's unknown MA ids go out in one batched lookup (the adapter
chunks by the MA's limit); answers are cached per execution environment (bounded, for
:data:`CACHE_SECONDS`), so a person active in many batches costs one lookup. A rate limit is waited
out when its ``Retry-After`` fits in the time left, else the MA's events go back to the queue
(transient failure); nothing is dropped. A person the MA does not know, or knows without an e-mail,
is dead-lettered as ``MA_PERSON_NOT_FOUND`` — unless a Lead or Contact carries their MA id in
``LR_External_Key__c``, which resolution still finds.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from msgspec import Struct, field

from leadrelay.domain.enrichment import (
    MaDirectoryError,
    MaPerson,
    enriched,
    found,
    needs_enrichment,
    not_found_error,
)
from leadrelay.domain.errors import ErrorDetail
from leadrelay.domain.events import CanonicalEvent, EventSource
from leadrelay.domain.failures import classify
from leadrelay.pipeline.retrying import Retrier
from leadrelay.ports import MaDirectory

logger = logging.getLogger(__name__)

CACHE_SECONDS = 900.0
"""How long an MA's answer is reused (an e-mail changed in the MA is picked up after this)."""
CACHE_SIZE = 10_000
"""People kept per execution environment (least recently used go first)."""


class Enrichment(Struct):
    """The batch's events with what the MAs said: enriched events, failed lookups, unknown people."""

    events: dict[str, CanonicalEvent]
    """Every event still to resolve, by idempotency key (enriched where the MA knew the person)."""
    failed: dict[str, ErrorDetail] = field(default_factory=dict)
    """Events whose MA could not be asked (rate limit, outage): transient, back to the queue."""
    not_found: dict[str, ErrorDetail] = field(default_factory=dict)
    """Events whose person the MA does not know: their dead-letter error if resolution finds nobody."""


class MaEnricher:
    """Looks people up in their MA before resolution; one instance per execution environment."""

    def __init__(
        self,
        directories: Mapping[EventSource, MaDirectory],
        *,
        clock: Callable[[], datetime],
        cache_size: int = CACHE_SIZE,
        cache_seconds: float = CACHE_SECONDS,
    ) -> None:
        self.directories = dict(directories)
        self._clock = clock
        self._cache: OrderedDict[tuple[EventSource, str], tuple[MaPerson, datetime]] = OrderedDict()
        self._cache_size = cache_size
        self._ttl = timedelta(seconds=cache_seconds)

    def enrich(self, events: Mapping[str, CanonicalEvent], retrier: Retrier) -> Enrichment:
        """Fill the identity of every event that names its person by an MA id only."""
        outcome = Enrichment(dict(events))
        for source, directory in self.directories.items():
            keys = [k for k, e in events.items() if e.source is source and needs_enrichment(e)]
            if not keys:
                continue
            ids = [str(events[k].identity.ma_id) for k in keys]
            try:
                people = self._people(source, directory, ids, retrier)
            except MaDirectoryError as failure:
                logger.warning("MA lookup failed: %s %s", source.value, failure.code)
                for key in keys:
                    outcome.failed[key] = failure.error
                    del outcome.events[key]
                continue
            for key in keys:
                event = events[key]
                person = found(people, str(event.identity.ma_id))
                if person is None:
                    outcome.not_found[key] = not_found_error(event, people.get(str(event.identity.ma_id)))
                else:
                    outcome.events[key] = enriched(event, person)
        return outcome

    def _people(
        self, source: EventSource, directory: MaDirectory, ids: Sequence[str], retrier: Retrier
    ) -> dict[str, MaPerson]:
        now = self._clock()
        people: dict[str, MaPerson] = {}
        for ma_id in dict.fromkeys(ids):
            cached = self._cache.get((source, ma_id))
            if cached is not None and now - cached[1] < self._ttl:
                self._cache.move_to_end((source, ma_id))
                people[ma_id] = cached[0]
        missing = [ma_id for ma_id in dict.fromkeys(ids) if ma_id not in people]
        if missing:
            answered = self._ask(directory, missing, retrier)
            for ma_id, person in answered.items():
                self._remember((source, ma_id), person)
            people.update(answered)
        return people

    def _ask(self, directory: MaDirectory, ids: Sequence[str], retrier: Retrier) -> dict[str, MaPerson]:
        """One lookup, again after transient failures while the invocation has time for it."""
        attempts = 0
        while True:
            attempts += 1
            try:
                return dict(directory.people(ids))
            except MaDirectoryError as failure:
                if not classify(failure.error).transient or not _wait(retrier, attempts, failure.retry_after):
                    raise

    def _remember(self, key: tuple[EventSource, str], person: MaPerson) -> None:
        self._cache[key] = (person, self._clock())
        self._cache.move_to_end(key)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)


def _wait(retrier: Retrier, attempts: int, retry_after: float | None) -> bool:
    """Wait before another attempt: the MA's ``Retry-After`` when it gave one, else the backoff."""
    if retry_after is None:
        return retrier.wait(attempts)
    if (
        attempts >= retrier.backoff.max_attempts
        or retry_after + retrier.backoff.attempt_time > retrier.remaining()
    ):
        return False
    retrier.sleep(retry_after)
    retrier.waited += retry_after
    return True
