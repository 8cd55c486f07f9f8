"""The Salesforce-events function's object graph: the enqueuer and the loop guard, from its settings."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from msgspec import Struct, field

from leadrelay.bootstrap import NO_OVERRIDES, Clock, Overrides, utc_now
from leadrelay.bootstrap.ingress import enqueuer
from leadrelay.domain.ownership import OwnershipMap
from leadrelay.ingress.loops import LoopGuard
from leadrelay.ingress.salesforce import SalesforceOptions
from leadrelay.ports import Enqueuer
from leadrelay.rulefiles.documents import OWNERSHIP_FILE
from leadrelay.settings import SalesforceEventsSettings


class SalesforceEventsRuntime(Struct):
    """What the Salesforce-events function needs, built once per execution environment."""

    enqueuer: Enqueuer
    loop_guard: LoopGuard
    options: SalesforceOptions = field(default_factory=SalesforceOptions)
    clock: Clock = field(default=utc_now)


def salesforce_events_runtime(
    settings: SalesforceEventsSettings, overrides: Overrides = NO_OVERRIDES
) -> SalesforceEventsRuntime:
    """The enqueuer and the loop guard (integration user, fields leadrelay owns)."""
    return SalesforceEventsRuntime(
        enqueuer=overrides.enqueuer or enqueuer(settings),
        loop_guard=loop_guard(settings),
        options=SalesforceOptions(resync_margin=timedelta(seconds=settings.resync_margin_seconds)),
        clock=overrides.clock or utc_now,
    )


def loop_guard(settings: SalesforceEventsSettings) -> LoopGuard:
    """The loop guard: client name, integration user, and the fields leadrelay owns (``ownership.json``)."""
    path = Path(settings.rules_path) / OWNERSHIP_FILE
    owned: dict[str, tuple[str, ...]] = {}
    if path.exists():
        ownership = OwnershipMap.model_validate_json(path.read_bytes())
        owned = {sobject: owners.leadrelay for sobject, owners in ownership.objects.items()}
    return LoopGuard.build(
        client_name=settings.client_name,
        integration_user_ids=[settings.integration_user_id],
        owned_fields=owned,
    )
