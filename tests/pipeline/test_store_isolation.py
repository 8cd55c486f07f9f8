"""A store failure caused by one item fails that item's event only (issue 9, item 2).

The pipeline runs on the in-memory gateway fake (a step test); the activity store is DynamoDB on moto, or the
in-memory one with a table partition that cannot be read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

import boto3
import pytest
from leadrelay.adapters.activity_store import DynamoDBActivityStore, InMemoryActivityStore
from leadrelay.pipeline import Outcome
from moto import mock_aws

from tests.pipeline.support import HANAKO, TARO, create_activity_table, leads_by_email, make_pipeline, message
from tests.pipeline.support import page_view as view
from tests.plugins.fake_salesforce import InMemorySalesforce

JIRO = "jiro.sato@example-kogyo.co.jp"


@pytest.fixture
def dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[DynamoDBActivityStore]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        client = boto3.client("dynamodb", region_name="ap-northeast-1")
        create_activity_table(client, "leadrelay-activities")
        yield DynamoDBActivityStore(client, "leadrelay-activities")


def test_an_activity_dynamodb_refuses_fails_its_event_alone(
    fake_salesforce: InMemorySalesforce, dynamodb: DynamoDBActivityStore
) -> None:
    pipeline, clock, sink = make_pipeline(fake_salesforce, store=dynamodb)
    huge = view(HANAKO, fields={"LastName": "鈴木"})
    huge = huge.model_copy(update={"attributes": {"form": "お問い合わせ" * 70_000}})  # 1.2 MB: over 400 KB
    events = [view(TARO), huge, view(JIRO)]
    report = pipeline.run([message(e) for e in events], remaining=clock.remaining)
    outcomes = {r.event_key: (r.outcome, r.error_code) for r in report.results.values()}
    assert outcomes == {
        events[0].idempotency_key: (Outcome.APPLIED, None),
        huge.idempotency_key: (Outcome.RETRY, "ACTIVITY_STORE_ERROR"),
        events[2].idempotency_key: (Outcome.APPLIED, None),
    }
    assert set(leads_by_email(fake_salesforce)) == {TARO, JIRO}
    assert sink.letters == []


class UnreadablePartition(InMemoryActivityStore):
    """The in-memory store, except that one person's history cannot be read."""

    def __init__(self, broken_key: str) -> None:
        super().__init__()
        self.broken_key = broken_key

    def history(self, identity_keys: Sequence[str], *, since: datetime) -> Mapping[str, list[dict[str, Any]]]:
        if self.broken_key in identity_keys:
            raise ConnectionError("partition unavailable")
        return super().history(identity_keys, since=since)


def test_a_history_that_cannot_be_read_fails_that_persons_events_alone(
    fake_salesforce: InMemorySalesforce,
) -> None:
    pipeline, clock, _ = make_pipeline(fake_salesforce, store=UnreadablePartition(f"email#{HANAKO}"))
    events = [view(TARO), view(HANAKO), view(JIRO)]
    report = pipeline.run([message(e) for e in events], remaining=clock.remaining)
    outcomes = {r.event_key: r.outcome for r in report.results.values()}
    assert [outcomes[e.idempotency_key] for e in events] == [Outcome.APPLIED, Outcome.RETRY, Outcome.APPLIED]
