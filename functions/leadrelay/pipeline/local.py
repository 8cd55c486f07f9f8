"""The pipeline on local adapters: the local org over HTTPS, activities and dead letters in memory.

For ``leadrelay demo``, the write-back benchmark and tests: the same pipeline and Salesforce gateway as
the processor Lambda, with nothing from AWS. The local org is a stand-in for tests and demos, not
Salesforce.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from leadrelay.adapters.activity_store import InMemoryActivityStore
from leadrelay.adapters.salesforce import AuthFlow, SalesforceCredentials, SimpleSalesforceGateway
from leadrelay.core.deadletter import DeadLetter
from leadrelay.core.ownership import AUTO_ASSIGN_OFF
from leadrelay.localorg import LocalOrg
from leadrelay.pipeline.batch import Pipeline, PipelineConfig
from leadrelay.pipeline.setup import load_rule_bundle
from leadrelay.ports import ActivityStore


@dataclass
class InMemoryDeadLetters:
    """The dead-letter sink as a list."""

    letters: list[DeadLetter] = field(default_factory=list)

    def send(self, letters: Sequence[DeadLetter]) -> None:
        """Keep the letters."""
        self.letters.extend(letters)


def local_org_gateway(
    org: LocalOrg,
    *,
    timeout: float = 10.0,
    lead_auto_assign_on_create: str = AUTO_ASSIGN_OFF,
    save_past_duplicate_alerts: bool = False,
) -> SimpleSalesforceGateway:
    """The real gateway logged in to ``org`` with client credentials, trusting its certificate."""
    client_id, client_secret = org.client_credentials()
    credentials = SalesforceCredentials(
        flow=AuthFlow.CLIENT_CREDENTIALS,
        login_url=org.url,
        consumer_key=client_id,
        consumer_secret=client_secret,
    )
    return SimpleSalesforceGateway(
        credentials,
        http=org.http_session(),
        timeout=timeout,
        lead_auto_assign_on_create=lead_auto_assign_on_create,
        save_past_duplicate_alerts=save_past_duplicate_alerts,
    )


def local_pipeline(
    org: LocalOrg,
    rules_path: str | Path,
    *,
    activities: ActivityStore | None = None,
    dead_letters: InMemoryDeadLetters | None = None,
    config: PipelineConfig | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
) -> Pipeline:
    """A pipeline on the rules in ``rules_path`` writing to ``org``; activities and dead letters in memory."""
    bundle = load_rule_bundle(rules_path)
    return Pipeline(
        rules=bundle.rules,
        ownership=bundle.ownership,
        operations=bundle.operations,
        gateway=local_org_gateway(
            org,
            lead_auto_assign_on_create=bundle.ownership.lead_assignment.create_header,
            save_past_duplicate_alerts=bundle.ownership.duplicate_rules.on_create == "allow_save",
        ),
        activities=activities if activities is not None else InMemoryActivityStore(),
        dead_letters=dead_letters if dead_letters is not None else InMemoryDeadLetters(),
        config=config,
        rule_fields=bundle.lead_fields,
        clock=clock,
        sleep=sleep,
        rng=rng,
    )
