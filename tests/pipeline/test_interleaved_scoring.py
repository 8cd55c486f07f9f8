"""Two processor invocations on one person at once: the last write still reflects the whole history.

Two batches carry activities of the same lead (山田 太郎). They are processed by two pipelines built by
the composition root — two Lambda invocations — sharing the activity table (moto DynamoDB) and the
org (the local org over HTTPS). Their steps are driven alternately so that the worst order happens:
invocation A records its page view and reads the history *before* invocation B records its own; B then
runs to the end and writes the scores of both views; A writes last. Whatever the order, the engagement
score Salesforce ends with is the one the rules give for everything the person did.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import boto3
import pytest
from leadrelay.adapters.activity_store import DynamoDBActivityStore
from leadrelay.domain.events import CanonicalEvent, Identity
from leadrelay.pipeline import Pipeline
from leadrelay.pipeline.messages import BatchReport, Outcome
from leadrelay.pipeline.retrying import Retrier
from leadrelay.pipeline.state import BatchState
from leadrelay.pipeline.steps import StepContext
from leadrelay.rulefiles.bundle import load_rule_bundle
from leadrelay_tools.localorg import LocalOrg
from moto import mock_aws

from tests.pipeline.support import (
    NOW,
    RULES,
    TARO,
    create_activity_table,
    leads_by_email,
    make_pipeline,
    message,
    page_view,
)

TABLE = "leadrelay-activities"
HISTORY = Identity(email=TARO).key
"""山田's history key in the activity store."""


@pytest.fixture
def store() -> Iterator[DynamoDBActivityStore]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="ap-northeast-1")
        create_activity_table(client, TABLE)
        yield DynamoDBActivityStore(client, TABLE)


@dataclass
class Invocation:
    """One processor invocation whose steps the test runs a few at a time."""

    pipeline: Pipeline
    batch: BatchState
    ctx: StepContext
    done: int = 0

    @classmethod
    def of(cls, pipeline: Pipeline, *events: CanonicalEvent) -> Invocation:
        retrier = Retrier(lambda: 60.0, lambda _: None, pipeline.config.backoff, random.Random(7))
        return cls(pipeline, BatchState([message(e) for e in events], NOW), StepContext(retrier, lambda: NOW))

    def through(self, step: str) -> None:
        """Run the steps up to and including ``step``."""
        names = [s.name for s in self.pipeline.steps]
        for s in self.pipeline.steps[self.done : names.index(step) + 1]:
            s.run(self.batch, self.ctx)
        self.done = names.index(step) + 1

    def finish(self) -> BatchReport:
        for s in self.pipeline.steps[self.done :]:
            s.run(self.batch, self.ctx)
        self.done = len(self.pipeline.steps)
        return self.pipeline.settler.settle(self.batch)


def seed_taro(org: LocalOrg) -> str:
    """山田 太郎 (営業本部長, 3 employees: fit below the MQL bar, so the views only move engagement)."""
    lead = {
        "LastName": "山田",
        "FirstName": "太郎",
        "Company": "株式会社サンプル商事",
        "Email": TARO,
        "Title": "営業本部長",
        "NumberOfEmployees": 3,
        "State": "東京都",
    }
    return org.insert("Lead", lead, user_id=org.integration_user_id)


def whole_history_engagement(store: DynamoDBActivityStore, org: LocalOrg) -> float:
    """What the rules give for every activity stored for 山田 (the score one invocation seeing all
    of them would write)."""
    history = store.history([HISTORY], since=NOW - timedelta(days=400))[HISTORY]
    lead = leads_by_email(org)[TARO]
    decision = load_rule_bundle(RULES).rules.evaluate(
        {"lead": lead, "activities": history, "event": {}}, now=NOW
    )
    return float(decision.scores["engagement"])


def test_the_invocation_that_writes_last_writes_the_whole_history(
    local_org: LocalOrg, store: DynamoDBActivityStore
) -> None:
    seed_taro(local_org)
    pricing = page_view(TARO, url="https://www.sample-saas.jp/pricing", minutes_ago=30)
    seminar = page_view(TARO, type="seminar_attended", url="", minutes_ago=20)
    first, _, _ = make_pipeline(local_org, store=store)
    second, _, _ = make_pipeline(local_org, store=store)
    a, b = Invocation.of(first, pricing), Invocation.of(second, seminar)

    a.through("record activities")  # A has stored the pricing view and read a history without the seminar
    report_b = b.finish()  # B stores the seminar, sees both and writes
    after_b = leads_by_email(local_org)[TARO]["LR_Engagement_Score__c"]
    report_a = a.finish()  # A writes last

    lead = leads_by_email(local_org)[TARO]
    outcomes = {r.outcome for report in (report_a, report_b) for r in report.results.values()}
    assert outcomes == {Outcome.APPLIED}
    assert len(store.history([HISTORY], since=NOW - timedelta(days=400))[HISTORY]) == 2
    assert lead["LR_Engagement_Score__c"] == after_b == whole_history_engagement(store, local_org)


def test_either_order_ends_with_the_whole_history(local_org: LocalOrg, store: DynamoDBActivityStore) -> None:
    seed_taro(local_org)
    first, _, _ = make_pipeline(local_org, store=store)
    second, _, _ = make_pipeline(local_org, store=store)
    a = Invocation.of(first, page_view(TARO, url="https://www.sample-saas.jp/pricing", minutes_ago=30))
    b = Invocation.of(second, page_view(TARO, type="webinar_attended", url="", minutes_ago=25))

    a.through("record activities")
    b.through("record activities")  # both read their history before either writes
    a.finish()
    b.finish()

    assert leads_by_email(local_org)[TARO]["LR_Engagement_Score__c"] == whole_history_engagement(
        store, local_org
    )
