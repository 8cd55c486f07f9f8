"""The composition root: every function's object graph, built from its typed settings, in one place.

Handlers call these builders once per execution environment (on first use); replay, the demo, the CLI
and the tests call the same builders with :class:`Overrides` for the parts they replace (a local
activity store, an in-memory dead-letter sink, a collecting enqueuer, a test clock) instead of
patching the environment or re-importing modules. Credentials are resolved here and nowhere else.

One module per function (``processor``, ``ingress``) so that a function imports only the adapters it
runs: the webhook function never loads the Salesforce or HubSpot clients (cold start is measured).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from msgspec import Struct

from leadrelay.domain.events import EventSource
from leadrelay.ports import (
    ActivityStore,
    AlertLedger,
    DeadLetterSink,
    DecisionLog,
    Enqueuer,
    MaDirectory,
    Notifier,
    PoolStates,
    SalesforceGateway,
)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Lambda's clock (what runs unless a test or replay brings its own)."""
    return datetime.now(UTC)


class Overrides(Struct, frozen=True):
    """The parts a test, replay or the demo replaces; ``None`` keeps what the settings configure."""

    gateway: SalesforceGateway | None = None
    activities: ActivityStore | None = None
    dead_letters: DeadLetterSink | None = None
    enqueuer: Enqueuer | None = None
    ma_directories: Mapping[EventSource, MaDirectory] | None = None
    pool_states: PoolStates | None = None
    decision_log: DecisionLog | None = None
    alert_ledger: AlertLedger | None = None
    notifier: Notifier | None = None
    clock: Clock | None = None
    sleep: Callable[[float], None] | None = None
    rng: random.Random | None = None


NO_OVERRIDES = Overrides()
"""Everything as the settings configure it (what the Lambda functions run)."""
