"""Building blocks for pipeline tests: the real gateway on the local org or the in-memory gateway fake,
a fake clock, event builders.

Only the edges are stand-ins: the local org is Salesforce over HTTP (through the real gateway) for the
tests of what Salesforce does; ``InMemorySalesforce`` (held to the same contract by
tests/gateway/test_gateway_contract.py) serves the tests of a step; the dead-letter sink is a list, the
clock and sleep a fake that never sleeps.
"""

from __future__ import annotations

import itertools
import json
import random
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from leadrelay.adapters.activity_store import InMemoryActivityStore
from leadrelay.bootstrap import Overrides
from leadrelay.bootstrap.processor import assemble_pipeline
from leadrelay.domain.deadletter import DeadLetter
from leadrelay.domain.events import CanonicalEvent, EventKind, EventSource, Identity
from leadrelay.pipeline import InboundMessage, Pipeline, PipelineConfig
from leadrelay.ports import ActivityStore, DecisionLog
from leadrelay.rulefiles.bundle import load_rule_bundle
from leadrelay_tools.local_pipeline import InMemoryDeadLetters, local_org_gateway
from leadrelay_tools.localorg import LocalOrg

from tests.plugins.fake_salesforce import InMemorySalesforce

RULES = Path(__file__).resolve().parents[2] / "rules"
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
TARO = "taro.yamada@sample-shoji.co.jp"
HANAKO = "hanako.suzuki@example-kogyo.co.jp"


def create_activity_table(client: Any, name: str) -> None:
    """The activity table as template.yaml declares it (``pk``/``sk`` strings, on demand)."""
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )


def create_routing_table(client: Any, name: str) -> None:
    """The routing pools' state table as template.yaml declares it (``pk`` string, on demand)."""
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


@dataclass
class FakeClock:
    """Time that moves only when slept on: ``sleep`` advances it, ``remaining`` counts down to a deadline."""

    now: datetime = NOW
    budget: float = 60.0
    slept: list[float] = field(default_factory=list)

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += timedelta(seconds=seconds)

    def remaining(self) -> float:
        return self.budget - sum(self.slept)


class BrokenSink(InMemoryDeadLetters):
    """A dead-letter queue that is down."""

    def send(self, letters: Sequence[DeadLetter]) -> None:
        raise RuntimeError("dead-letter queue unavailable")


def make_pipeline(
    org: LocalOrg | InMemorySalesforce,
    *,
    clock: FakeClock | None = None,
    store: ActivityStore | None = None,
    sink: InMemoryDeadLetters | None = None,
    rules: Path = RULES,
    max_receive_count: int = 3,
    decision_log: DecisionLog | None = None,
) -> tuple[Pipeline, FakeClock, InMemoryDeadLetters]:
    """A pipeline on the shipped rules, ``org`` (the local org through the real gateway, or the fake), an
    in-memory store and dead letters in a list (and, when given, ``decision_log``)."""
    clock = clock or FakeClock()
    sink = sink if sink is not None else InMemoryDeadLetters()
    bundle = load_rule_bundle(rules)
    pipeline = assemble_pipeline(
        bundle,
        gateway=org if isinstance(org, InMemorySalesforce) else local_org_gateway(org, bundle),
        activities=store if store is not None else InMemoryActivityStore(),
        dead_letters=sink,
        config=PipelineConfig(max_receive_count=max_receive_count, function_version="7"),
        overrides=Overrides(clock=clock, sleep=clock.sleep, rng=random.Random(7), decision_log=decision_log),
    )
    return pipeline, clock, sink


_keys = itertools.count(1)


def page_view(
    email: str | None = TARO,
    *,
    url: str = "https://www.sample-saas.jp/pricing",
    minutes_ago: int = 10,
    key: str | None = None,
    salesforce_id: str | None = None,
    fields: dict[str, Any] | None = None,
    type: str = "page_view",
) -> CanonicalEvent:
    """An MA activity (a page view by default) by ``email`` ``minutes_ago`` before ``NOW``."""
    return CanonicalEvent(
        idempotency_key=key or f"hubspot:{next(_keys)}",
        kind=EventKind.ACTIVITY,
        type=type,
        source=EventSource.HUBSPOT,
        occurred_at=NOW - timedelta(minutes=minutes_ago),
        identity=Identity(email=email, salesforce_id=salesforce_id),
        attributes={"url": url},
        fields=fields or {},
    )


_messages = itertools.count(1)


def message(event: CanonicalEvent | str, *, receive_count: int = 1) -> InboundMessage:
    """An ingest-queue message carrying ``event`` (or a raw body)."""
    body = event if isinstance(event, str) else event.model_dump_json()
    return InboundMessage(f"msg-{next(_messages)}", body, receive_count, NOW - timedelta(minutes=5))


def leads_by_email(org: LocalOrg | InMemorySalesforce) -> dict[str, dict[str, Any]]:
    """The org's Leads by lower-cased e-mail (fails on a duplicate)."""
    found: dict[str, dict[str, Any]] = {}
    for lead in org.records("Lead"):
        email = (lead.get("Email") or "").lower()
        assert email not in found, f"two Leads with {email}"
        found[email] = lead
    return found


def rules_with(tmp_path: Path, **ownership: Any) -> Path:
    """The shipped rules copied to ``tmp_path`` with top-level keys of ``ownership.json`` replaced."""
    rules = shutil.copytree(RULES, tmp_path / "rules")
    document = json.loads((rules / "ownership.json").read_text(encoding="utf-8"))
    document.update(ownership)
    (rules / "ownership.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return rules
