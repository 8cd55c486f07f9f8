"""The MQL-assigned alert: the rep a lead is routed to is told once, through a Salesforce custom notification.

The processor's pipeline on the shipped rules against the local org (its customNotificationAction
records what each rep was told), the real gateway and the custom-notification adapter, the alert
ledger in memory (its DynamoDB form is tested by the SLA monitor's tests).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from leadrelay.adapters.activity_store import InMemoryActivityStore
from leadrelay.adapters.alert_ledger import InMemoryAlertLedger
from leadrelay.adapters.salesforce.notifications import SalesforceNotifier
from leadrelay.bootstrap import Overrides
from leadrelay.bootstrap.processor import assemble_pipeline
from leadrelay.domain.events import CanonicalEvent
from leadrelay.pipeline import PipelineConfig
from leadrelay.rulefiles.bundle import load_rule_bundle
from leadrelay_tools.local_pipeline import InMemoryDeadLetters, local_org_gateway
from leadrelay_tools.localorg import LocalOrg
from leadrelay_tools.localorg.samples import seed_fit_40_lead

from tests.pipeline.support import RULES, FakeClock, message
from tests.routing.test_routing_step import becomes_mql
from tests.sla.conftest import SATO, SUZUKI

ASSIGNED = "新しい MQL が割り当てられました"


def alerting_pipeline(org: LocalOrg, ledger: InMemoryAlertLedger) -> Callable[[list[CanonicalEvent]], None]:
    """Runs events through a processor pipeline that alerts reps (one activity store for all runs)."""
    bundle = load_rule_bundle(RULES)
    gateway = local_org_gateway(org, bundle)
    store, clock = InMemoryActivityStore(), FakeClock()
    pipeline = assemble_pipeline(
        bundle,
        gateway=gateway,
        activities=store,
        dead_letters=InMemoryDeadLetters(),
        config=PipelineConfig(function_version="7"),
        overrides=Overrides(clock=clock, sleep=clock.sleep, rng=random.Random(7)),
        alerts=(ledger, SalesforceNotifier(gateway, "LeadRelay_Alert")),
    )

    def run(events: list[CanonicalEvent]) -> None:
        pipeline.run([message(event) for event in events], remaining=lambda: 60.0)

    return run


def test_the_rep_a_new_mql_is_routed_to_is_told_with_the_lead_as_target(local_org: LocalOrg) -> None:
    lead_id = seed_fit_40_lead(local_org, "taro.yamada@sample-shoji.co.jp")

    alerting_pipeline(local_org, InMemoryAlertLedger())(becomes_mql("taro.yamada@sample-shoji.co.jp"))

    (note,) = local_org.notifications
    assert (note.recipient_id, note.title, note.target_id) == (SATO, ASSIGNED, lead_id)
    assert note.body == "山田 太郎 (株式会社サンプル商事)"


def test_two_mqls_in_one_batch_tell_each_rep_about_their_own(local_org: LocalOrg) -> None:
    emails = ("taro.yamada@sample-shoji.co.jp", "hanako.sato@mirai-seisakusho.co.jp")
    for email in emails:
        seed_fit_40_lead(local_org, email)

    alerting_pipeline(local_org, InMemoryAlertLedger())([e for email in emails for e in becomes_mql(email)])

    assert sorted(note.recipient_id for note in local_org.notifications) == sorted([SATO, SUZUKI])


def test_a_redelivered_hand_off_tells_nobody_twice(local_org: LocalOrg) -> None:
    seed_fit_40_lead(local_org, "taro.yamada@sample-shoji.co.jp")
    events = becomes_mql("taro.yamada@sample-shoji.co.jp")
    ledger = InMemoryAlertLedger()

    alerting_pipeline(local_org, ledger)(events)
    alerting_pipeline(local_org, ledger)(events)  # SQS delivers the batch again

    assert len(local_org.notifications) == 1
