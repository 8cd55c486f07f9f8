"""The EventBridge target in-process: parse → drop own changes (counted) → enqueue once; unreadable → DLQ."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from leadrelay.bootstrap import Overrides
from leadrelay.bootstrap.salesforce_events import salesforce_events_runtime
from leadrelay.handlers import salesforce_events
from leadrelay.handlers.salesforce_events import UnreadableEventError, handle
from leadrelay.settings import SalesforceEventsSettings

from tests.ingress.builders import (
    INTEGRATION_USER,
    LEAD_ID,
    REFERENCE,
    RULES,
    FakeLambdaContext,
    change_event,
    emitted_metrics,
    lead_activity,
)
from tests.plugins.ingress import IngressAws

CONTEXT: Any = FakeLambdaContext(function_name="leadrelay-salesforce-events")
OVERFLOW_TRANSACTION = "7f3e0c2a-51d4-4b8e-a0c6-2d9e8b1f4a77"


def test_a_lead_activity_event_is_queued(ingress_aws: IngressAws) -> None:
    answer = handle(lead_activity(), CONTEXT, ingress_aws.salesforce_runtime())

    assert answer == {"enqueued": 1, "duplicates": 0, "notices": []}
    assert ingress_aws.queued_events()[0].type == "page_view"


def test_an_event_relay_replay_is_queued_once(ingress_aws: IngressAws) -> None:
    runtime = ingress_aws.salesforce_runtime()
    handle(change_event(fields={"Status": "Working"}), CONTEXT, runtime)

    answer = handle(change_event(fields={"Status": "Working"}), CONTEXT, runtime)

    assert answer["duplicates"] == 1
    assert len(ingress_aws.queued_events()) == 1


@pytest.mark.parametrize(
    "raw",
    [
        change_event(origin="com/salesforce/api/rest/61.0;client=leadrelay"),
        change_event(commit_user=INTEGRATION_USER),
        change_event(changed=("LR_Fit_Score__c", "LR_Engagement_Score__c", "SystemModstamp")),
    ],
    ids=["change-origin", "integration-user", "owned-fields-only"],
)
def test_our_own_write_backs_are_dropped_and_counted(
    ingress_aws: IngressAws, capsys: pytest.CaptureFixture[str], raw: dict[str, Any]
) -> None:
    answer = handle(raw, CONTEXT, ingress_aws.salesforce_runtime())

    assert answer["enqueued"] == 0
    assert ingress_aws.queued_events() == []
    assert emitted_metrics(capsys.readouterr().out)["OwnChangesDropped"] == 1


def test_gap_and_overflow_events_are_counted_and_queued_for_healing(
    ingress_aws: IngressAws, capsys: pytest.CaptureFixture[str]
) -> None:
    runtime = ingress_aws.salesforce_runtime()

    handle(change_event(change_type="GAP_UPDATE"), CONTEXT, runtime)
    overflow = change_event(change_type="GAP_OVERFLOW", record_ids=(), transaction_key=OVERFLOW_TRANSACTION)
    answer = handle(overflow, CONTEXT, runtime)

    metrics = emitted_metrics(capsys.readouterr().out)
    assert answer["notices"][0]["kind"] == "overflow"
    assert (metrics["GapEventsReceived"], metrics["OverflowEventsReceived"]) == (1, 1)
    assert [(e.type, e.identity.key) for e in ingress_aws.queued_events()] == [
        ("lead_updated", f"sf#{LEAD_ID[:15]}"),
        ("records_changed", "scope#Lead"),
    ]


def test_a_wildcard_change_event_is_counted_as_a_gap_never_rejected(
    ingress_aws: IngressAws, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = change_event(record_ids=("00Q*",), changed=(), fields={})

    answer = handle(raw, CONTEXT, ingress_aws.salesforce_runtime())

    assert answer["notices"][0]["kind"] == "gap"
    assert emitted_metrics(capsys.readouterr().out)["GapEventsReceived"] == 1
    assert [e.type for e in ingress_aws.queued_events()] == ["records_changed"]


def test_the_re_sync_window_is_as_wide_as_the_function_is_configured(ingress_aws: IngressAws) -> None:
    env = {
        "LEADRELAY_INGEST_QUEUE_URL": ingress_aws.queue_url,
        "LEADRELAY_RULES_PATH": str(RULES),
        "LEADRELAY_RESYNC_MARGIN_SECONDS": "120",
    }
    settings = SalesforceEventsSettings.from_env(env)
    runtime = salesforce_events_runtime(settings, Overrides(enqueuer=ingress_aws.enqueuer()))

    handle(change_event(change_type="GAP_OVERFLOW", record_ids=()), CONTEXT, runtime)

    (event,) = ingress_aws.queued_events()
    assert event.window is not None
    assert event.window.until - event.window.since == timedelta(minutes=4)


@pytest.mark.parametrize("name", sorted(path.name for path in REFERENCE.glob("*event*.json")))
def test_every_reference_event_goes_through_the_handler_without_error(
    ingress_aws: IngressAws, name: str
) -> None:
    raw = json.loads((REFERENCE / name).read_text(encoding="utf-8"))

    answer = handle(raw, CONTEXT, ingress_aws.salesforce_runtime())

    assert answer["notices"][0]["kind"] == "not_processed"


def test_an_unreadable_event_raises_with_its_reason_for_the_failure_destination(
    ingress_aws: IngressAws, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = change_event()
    raw["detail"]["payload"]["ChangeEventHeader"]["changeType"] = "MERGE"

    with pytest.raises(UnreadableEventError, match=r"ChangeEventHeader\.changeType: is not a change type"):
        handle(raw, CONTEXT, ingress_aws.salesforce_runtime())

    assert emitted_metrics(capsys.readouterr().out)["SalesforceEventsRejected"] == 1
    assert ingress_aws.queued_events() == []


def _configure_entry_point(
    monkeypatch: pytest.MonkeyPatch, ingress_aws: IngressAws, *, integration_user_id: str
) -> None:
    """The environment the template gives the function, with a fresh runtime to read it."""
    monkeypatch.setenv("LEADRELAY_RULES_PATH", str(RULES))
    monkeypatch.setenv("LEADRELAY_INGEST_QUEUE_URL", ingress_aws.queue_url)
    monkeypatch.setenv("LEADRELAY_IDEMPOTENCY_TABLE", "leadrelay-idempotency")
    monkeypatch.setenv("LEADRELAY_INTEGRATION_USER_ID", integration_user_id)
    salesforce_events.default_runtime.cache_clear()


def test_the_lambda_entry_point_reads_ownership_and_the_integration_user_from_the_environment(
    ingress_aws: IngressAws, monkeypatch: pytest.MonkeyPatch
) -> None:
    _configure_entry_point(monkeypatch, ingress_aws, integration_user_id=INTEGRATION_USER)

    try:
        ours = salesforce_events.handler(change_event(changed=("LR_Fit_Score__c",)), CONTEXT)
        theirs = salesforce_events.handler(
            change_event(transaction_key="0003aaaa-0000-4000-8000-00000000000b"), CONTEXT
        )
    finally:
        salesforce_events.default_runtime.cache_clear()

    assert (ours["enqueued"], theirs["enqueued"]) == (0, 1)


def test_a_lower_case_18_character_integration_user_id_in_the_environment_still_drops_own_changes(
    ingress_aws: IngressAws, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _configure_entry_point(monkeypatch, ingress_aws, integration_user_id=INTEGRATION_USER.lower())

    try:
        answer = salesforce_events.handler(
            change_event(commit_user=INTEGRATION_USER, fields={"Status": "Working"}), CONTEXT
        )
    finally:
        salesforce_events.default_runtime.cache_clear()

    assert answer["enqueued"] == 0
    assert ingress_aws.queued_events() == []
    assert emitted_metrics(capsys.readouterr().out)["OwnChangesDropped"] == 1
