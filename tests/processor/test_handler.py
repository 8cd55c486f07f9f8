"""The processor Lambda: cold start, partial batch responses, dead letters, masked logs (moto, local org)."""

from __future__ import annotations

import io
import json
import random
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from leadrelay.engine import RuleSetError
from leadrelay.handlers.processor import batch_item_failures, inbound_messages
from leadrelay.pipeline import BatchReport, InboundMessage, MessageResult, Outcome
from leadrelay.rulefiles.bundle import load_rule_bundle
from leadrelay.settings import Settings
from leadrelay_tools.localorg import LocalOrg

from tests.pipeline.support import HANAKO, RULES, TARO, leads_by_email, page_view
from tests.plugins.dead_letters import Queues
from tests.processor.harness import (
    EventSourceMapping,
    FakeLambdaContext,
    LambdaClock,
    cold_start,
    dead_letters,
    handler_with,
    send,
    sqs_event,
)


def broken_rules(tmp_path: Path, file: str, breaking: Callable[[Any], None]) -> Path:
    """A copy of the shipped rules with one file changed by ``breaking``."""
    broken = tmp_path / "rules"
    shutil.copytree(RULES, broken)
    document = json.loads((broken / file).read_text(encoding="utf-8"))
    breaking(document)
    (broken / file).write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return broken


def test_a_broken_rule_set_fails_the_first_invocation_naming_file_and_pointer(
    environment: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = broken_rules(tmp_path, "scoring.json", lambda d: d["rules"][0].update(score="enthusiasm"))
    monkeypatch.setenv("LEADRELAY_RULES_PATH", str(broken))
    with pytest.raises(RuleSetError) as failure:
        cold_start().default_runtime()
    assert f"{broken / 'scoring.json'}:/rules/0/score:" in str(failure.value)


def test_a_broken_ownership_map_fails_the_first_invocation_too(
    environment: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = broken_rules(
        tmp_path, "ownership.json", lambda d: d["objects"]["Lead"]["ma"].append("LR_Fit_Score__c")
    )
    monkeypatch.setenv("LEADRELAY_RULES_PATH", str(broken))
    with pytest.raises(RuleSetError, match=r"ownership\.json:/objects/Lead/ma/6"):
        cold_start().default_runtime()


def test_the_runtime_is_built_once_for_every_invocation_of_an_environment(processor: ModuleType) -> None:
    runtime = processor.default_runtime()
    assert processor.default_runtime() is runtime
    assert runtime.pipeline.rules.version == load_rule_bundle(RULES).rules.version
    assert runtime.pipeline.config.max_receive_count == 3


def test_applied_messages_are_deleted_and_the_leads_are_in_salesforce(
    processor: ModuleType, queues: Queues, local_org: LocalOrg
) -> None:
    send(queues, page_view(TARO).model_dump_json(), page_view(HANAKO).model_dump_json())
    mapping = EventSourceMapping(queues, processor.handler, LambdaClock())
    mapping.drain()
    assert set(leads_by_email(local_org)) == {TARO, HANAKO}
    assert queues.count(queues.ingest_url) == 0
    assert queues.count(queues.dlq_url) == 0


def test_only_messages_to_retry_become_batch_item_failures(
    processor: ModuleType, queues: Queues, local_org: LocalOrg
) -> None:
    lock = "unable to obtain exclusive access to this record"
    local_org.faults.target("Email", TARO, "UNABLE_TO_LOCK_ROW", message=lock)
    local_org.faults.target("Email", HANAKO)  # a validation rule: permanent
    clock = LambdaClock()
    handler = handler_with(clock=clock, sleep=clock.sleep, rng=random.Random(3))
    locked, blocked, fine = page_view(TARO), page_view(HANAKO), page_view("jiro.sato@example-kogyo.co.jp")
    messages = [
        {"MessageId": f"m{i}", "ReceiptHandle": f"r{i}", "Body": e.model_dump_json(), "Attributes": attrs}
        for i, e in enumerate([locked, blocked, fine])
        for attrs in [{"ApproximateReceiveCount": "1", "ApproximateFirstReceiveTimestamp": "1795000000000"}]
    ]
    response = handler(
        sqs_event(messages, "arn:aws:sqs:ap-northeast-1:123456789012:ingest"), FakeLambdaContext(clock)
    )
    assert response == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    assert clock.slept > 0  # the lock was retried inside the invocation first


def test_each_record_reaches_the_pipeline_with_its_receive_count_and_first_receipt() -> None:
    attributes = {"ApproximateReceiveCount": "3", "ApproximateFirstReceiveTimestamp": "1795000000000"}
    message = {"MessageId": "m1", "ReceiptHandle": "r1", "Body": "{}", "Attributes": attributes}
    event = sqs_event([message], "arn:aws:sqs:ap-northeast-1:123456789012:ingest")
    assert inbound_messages(event) == [
        InboundMessage(
            "m1", "{}", receive_count=3, first_received_at=datetime(2026, 11, 18, 11, 6, 40, tzinfo=UTC)
        )
    ]


def test_a_message_the_pipeline_gave_no_outcome_is_delivered_again_not_dropped() -> None:
    messages = [InboundMessage("m1", "{}"), InboundMessage("m2", "{}")]
    report = BatchReport(results={"m1": MessageResult("m1", Outcome.APPLIED)})
    assert batch_item_failures(messages, report) == {"batchItemFailures": [{"itemIdentifier": "m2"}]}


def test_dead_letters_reach_the_queue_with_reason_class_and_owner(
    processor: ModuleType, queues: Queues, local_org: LocalOrg
) -> None:
    local_org.faults.target("Email", HANAKO, message="MQL には会社名が必要です")
    send(queues, page_view(HANAKO).model_dump_json(), "{not json")
    EventSourceMapping(queues, processor.handler, LambdaClock()).drain()
    letters = {letter.error.status_code: letter for letter in dead_letters(queues)}
    assert set(letters) == {"FIELD_CUSTOM_VALIDATION_EXCEPTION", "INVALID_EVENT"}
    validation = letters["FIELD_CUSTOM_VALIDATION_EXCEPTION"]
    assert (validation.owner, validation.function_version, validation.source_queue) == (
        "salesforce_admin",
        "7",
        queues.ingest_url,
    )
    assert letters["INVALID_EVENT"].owner == "integration"
    assert queues.count(queues.ingest_url) == 0


def test_logs_never_show_email_addresses_or_phone_numbers(
    processor: ModuleType, log_output: io.StringIO, queues: Queues, local_org: LocalOrg
) -> None:
    local_org.faults.target("Email", TARO, message=f"{TARO} (03-1234-5678) は登録できません")
    send(queues, page_view(TARO).model_dump_json())
    EventSourceMapping(queues, processor.handler, LambdaClock()).drain()
    logs = log_output.getvalue()
    assert "FIELD_CUSTOM_VALIDATION_EXCEPTION" in logs
    assert TARO not in logs
    assert "03-1234-5678" not in logs


def test_each_invocation_publishes_its_outcomes_as_metrics(
    capsys: pytest.CaptureFixture[str], processor: ModuleType, queues: Queues
) -> None:
    send(queues, page_view(TARO).model_dump_json())
    EventSourceMapping(queues, processor.handler, LambdaClock()).drain()
    emf = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    (metrics,) = emf
    assert metrics["EventsApplied"] in (1.0, [1.0])
    assert metrics["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "LeadRelay"


def test_settings_are_read_from_the_environment_the_template_sets(environment: dict[str, str]) -> None:
    settings = Settings.from_env(environment)
    assert settings.activity_table == "leadrelay-activities"
    assert settings.function_version == "7"
