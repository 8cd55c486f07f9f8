"""Nothing lost, nothing doubled: 5,000 events through the processor Lambda against a faulty org.

The ingest queue (moto, redrive policy into the dead-letter queue after 3 receives) gets 5,000 distinct
events for 800 people, 250 of them delivered twice, plus 10 unreadable bodies. The local org injects
about 10 % transient faults (record locks — some wrapped in flow errors —, 503s, request limits, expired
sessions: seeded) and rejects every write to 2 % of the people with a validation rule (permanent).
The event source mapping is played until the queue drains. Then:

* every distinct event is applied exactly once or waits in the dead-letter queue — never both;
* each person's engagement score (one point per activity) equals their number of distinct events,
  so a doubled or lost event would show; no person has two Leads;
* every dead letter carries its reason, class and owner; events in = applied + dead-lettered.

Time is a fake: the pipeline's backoff sleeps advance it, nothing really sleeps. Events arrive a batch at
a time between invocations, as producers send them.

The activity store is the in-memory adapter of the port here, not DynamoDB on moto: moto's Query scans the
whole table and its serializer takes ~20 ms a call, so 5,000 conditional puts and ~5,000 history queries
would take minutes. The DynamoDB store's contract (conditional puts, one Query per key, TTL) is pinned
by tests/pipeline/test_activity_store.py and the handler tests run on it.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from leadrelay.adapters.activity_store import InMemoryActivityStore
from leadrelay.adapters.dead_letters import DeadLetterQueue
from leadrelay.domain.events import ActivityType, CanonicalEvent, EventKind, EventSource, Identity
from leadrelay.domain.failures import ErrorCategory, ErrorClass
from leadrelay_tools.localorg import LocalOrg

from tests.pipeline.support import NOW, RULES
from tests.plugins.dead_letters import Queues
from tests.processor.harness import (
    EventSourceMapping,
    LambdaClock,
    cold_start,
    handler_with,
    processor_environment,
)

EVENTS = 5_000
PEOPLE = 800
REDELIVERED = 250
UNREADABLE = 10
BLOCKED_SHARE = 0.02
BATCH = 100
MQL_AT = 8
TYPES = [t.value for t in ActivityType if t is not ActivityType.OTHER]
SURNAMES = ["山田", "鈴木", "佐藤", "田中", "高橋", "伊藤", "渡辺", "中村", "小林", "加藤"]
COMPANIES = ["株式会社サンプル商事", "例示工業株式会社", "テスト電機株式会社", "見本物流株式会社"]

COUNTING_SCORING = {
    "kind": "scoring",
    "description": "One point per activity, no cap and no decay: the score counts distinct events.",
    "scores": {
        "fit": {"label": "属性スコア", "floor": 0, "ceiling": 100},
        "engagement": {"label": "行動スコア (件数)", "floor": 0, "ceiling": 1_000_000},
    },
    "rules": [
        {
            "id": "engagement.every_activity",
            "score": "engagement",
            "activities": {"types": TYPES},
            "points_per": 1,
        }
    ],
}
COUNTING_LIFECYCLE = {
    "kind": "lifecycle",
    "current_stage": "lead.LR_Lifecycle_Stage__c",
    "initial": "Lead",
    "stages": [{"name": "Lead", "rank": 0}, {"name": "MQL", "rank": 1}],
    "transitions": [
        {
            "id": "lifecycle.mql",
            "from": ["Lead"],
            "to": "MQL",
            "when": {"field": "scores.engagement", "op": "gte", "value": MQL_AT},
        }
    ],
}

pytestmark = pytest.mark.slow  # fault injection: the slow tier


def counting_rules(directory: Path) -> Path:
    """The shipped ownership and operations files with a scoring that counts activities."""
    directory.mkdir()
    for name in ("ownership.json", "operations.json"):
        shutil.copy(RULES / name, directory / name)
    (directory / "scoring.json").write_text(
        json.dumps(COUNTING_SCORING, ensure_ascii=False), encoding="utf-8"
    )
    (directory / "lifecycle.json").write_text(json.dumps(COUNTING_LIFECYCLE), encoding="utf-8")
    return directory


@pytest.fixture
def processor(
    local_org: LocalOrg, queues: Queues, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ModuleType]:
    env = processor_environment(local_org, queues, tmp_path, counting_rules(tmp_path / "rules"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    yield cold_start()
    cold_start()


def email_of(index: int) -> str:
    return f"person{index:04d}@example-{index % 7}.co.jp"


def make_events(rng: random.Random) -> list[CanonicalEvent]:
    events = []
    for n in range(EVENTS):
        person = rng.randrange(PEOPLE)
        fields: dict[str, Any] = {}
        if rng.random() < 0.3:
            fields = {"Name": f"{SURNAMES[person % 10]} 太郎", "Company": COMPANIES[person % 4]}
        events.append(
            CanonicalEvent(
                idempotency_key=f"hubspot:{n:05d}",
                kind=EventKind.ACTIVITY,
                type=rng.choice(TYPES),
                source=EventSource.HUBSPOT,
                occurred_at=NOW - timedelta(minutes=rng.randint(1, 60 * 24 * 20)),
                identity=Identity(email=email_of(person)),
                attributes={"url": f"https://www.sample-saas.jp/page/{rng.randrange(40)}"},
                fields=fields,
            )
        )
    return events


def seed_org(org: LocalOrg, rng: random.Random) -> tuple[set[str], set[str]]:
    """Existing Leads and Contacts for some people, and the people every write to is rejected for."""
    people = list(range(PEOPLE))
    rng.shuffle(people)
    for index in people[:150]:
        org.insert(
            "Lead",
            {"LastName": SURNAMES[index % 10], "Company": COMPANIES[index % 4], "Email": email_of(index)},
        )
    for index in people[150:180]:
        org.insert("Contact", {"LastName": SURNAMES[index % 10], "Email": email_of(index)})
    blocked = {email_of(i) for i in rng.sample(range(PEOPLE), int(PEOPLE * BLOCKED_SHARE))}
    for email in blocked:
        org.faults.target("Email", email, message="この取引先は登録できません (審査中)")
    # ~10 % transient: 6 % of record writes locked, 5 % of requests refused (503, limit, session)
    org.faults.configure(
        seed=20261120,
        lock_rate=0.06,
        unavailable_rate=0.02,
        request_limit_rate=0.02,
        invalid_session_rate=0.01,
    )
    return blocked, {email_of(i) for i in people[150:180]}


def test_every_event_is_applied_exactly_once_or_dead_lettered_with_its_reason(
    processor: ModuleType, queues: Queues, local_org: LocalOrg
) -> None:
    rng = random.Random(20261120)
    blocked, contacts = seed_org(local_org, rng)
    events = make_events(rng)
    bodies = [e.model_dump_json() for e in events]
    duplicates = rng.sample(events, REDELIVERED)
    bodies += [e.model_dump_json() for e in duplicates]
    bodies += [f'{{"idempotency_key": "broken-{i}", "kind": "activity"' for i in range(UNREADABLE)]
    rng.shuffle(bodies)

    clock = LambdaClock()
    store = InMemoryActivityStore()
    handler = handler_with(activities=store, clock=clock, sleep=clock.sleep, rng=random.Random(5))
    mapping = EventSourceMapping(queues, handler, clock, batch_size=BATCH)
    started = time.perf_counter()
    mapping.feed(bodies, arrivals=BATCH)
    elapsed = time.perf_counter() - started

    stored = DeadLetterQueue(queues.sqs, queues.dlq_url).peek()
    letters = [s.letter for s in stored]
    dead = Counter(letter.event.idempotency_key for letter in letters if letter.event is not None)
    unreadable = [letter for letter in letters if letter.unreadable is not None]
    distinct = {e.idempotency_key: e for e in events}
    applied = set(distinct) - set(dead)

    # nothing lost: the ingest queue is empty, every event is applied or dead-lettered, never both
    assert queues.count(queues.ingest_url) == 0
    assert len(distinct) == len(applied) + len(dead) == EVENTS
    assert set(dead) <= set(distinct)
    # one dead letter per event: a message delivered twice may leave two copies of it (same id), which
    # `leadrelay dlq redrive` sends back once
    ids: defaultdict[str, set[str]] = defaultdict(set)
    for letter in letters:
        if letter.event is not None:
            ids[letter.event.idempotency_key].add(letter.id)
    assert all(len(found) == 1 for found in ids.values())
    redelivered = {e.idempotency_key for e in duplicates}
    assert {key for key, copies in dead.items() if copies > 1} <= redelivered
    assert len(unreadable) == UNREADABLE
    assert {u.category for u in unreadable} == {ErrorCategory.INVALID_EVENT}

    # dead letters: exactly the blocked people's events, permanent, for the Salesforce admin
    blocked_events = {k for k, e in distinct.items() if e.identity.email in blocked}
    assert set(dead) == blocked_events
    for letter in letters:
        if letter.event is not None:
            assert (letter.error.status_code, letter.error_class) == (
                "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                ErrorClass.PERMANENT,
            )
            assert (letter.category, letter.owner, letter.origin) == (
                ErrorCategory.VALIDATION,
                "salesforce_admin",
                "processor",
            )
            assert letter.decision is not None
            assert letter.write is not None

    # nothing doubled: one record per person, and its score counts each distinct event once
    per_person: dict[str, int] = defaultdict(int)
    for key in applied:
        per_person[str(distinct[key].identity.email)] += 1
    leads: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for lead in local_org.records("Lead"):
        leads[lead["Email"]].append(lead)
    records = {c["Email"]: c for c in local_org.records("Contact")}
    assert all(len(found) == 1 for found in leads.values()), "a person has two Leads"
    for email, count in per_person.items():
        record = records[email] if email in contacts else leads[email][0]
        assert record["LR_Engagement_Score__c"] == count, email
        assert record["LR_Lifecycle_Stage__c"] == ("MQL" if count >= MQL_AT else "Lead"), email
    for email in blocked - contacts:
        assert all(lead["LR_Engagement_Score__c"] is None for lead in leads.get(email, []))

    injected = local_org.faults.injected
    transient = sum(n for code, n in injected.items() if code != "FIELD_CUSTOM_VALIDATION_EXCEPTION")
    assert transient > 0
    print(
        f"\n{len(bodies)} messages ({EVENTS} events) drained in {mapping.invocations} invocations, "
        f"{elapsed:.1f} s: {len(applied)} applied, {len(dead)} dead-lettered + {UNREADABLE} unreadable; "
        f"faults injected {dict(injected)}; simulated backoff {clock.slept:.0f} s; "
        f"Salesforce API calls {local_org.api_calls.total}"
    )
