"""Alerts without floods: a per-rep hourly budget, one alert per lead per window, the rest in a digest.

The budget holds across invocations: it is counted in the routing state table (DynamoDB, moto with its
item operations atomic as DynamoDB's are), so a second invocation in the same hour — or eight at once —
finds what the others spent. Past the budget, every alert of that hour is held, and once the hour is
over the SLA monitor sends them as the hour's one digest per rep — taken once, however many runs ask.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from leadrelay.adapters.alert_ledger import DynamoDBAlertLedger, InMemoryAlertLedger
from leadrelay.domain.alerts import Alert, AlertKind, AlertPolicy, Grant, Sent, throttle
from leadrelay.pipeline.alert_budget import spend_budget
from moto import mock_aws

from tests.pipeline.support import create_routing_table

NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)
SATO, SUZUKI = "005RM0000000002YAA", "005RM0000000003YAA"


def assigned(rep: str, n: int) -> Alert:
    return Alert(rep, f"00QRM00000000{n:02d}AAA", AlertKind.MQL_ASSIGNED, f"MQL #{n} を担当に割り当てました")


def test_a_burst_beyond_the_hourly_budget_is_folded_into_one_digest() -> None:
    burst = [assigned(SATO, n) for n in range(8)]
    result = throttle(burst, [], AlertPolicy(per_rep_per_hour=5), NOW)
    assert result.send == tuple(burst[:5])
    assert result.digests == {SATO: tuple(burst[5:])}


def test_the_budget_counts_what_was_sent_in_the_last_hour_per_rep() -> None:
    log = [Sent(SATO, f"00Q{n}", AlertKind.HOT_LEAD, NOW - timedelta(minutes=10)) for n in range(4)]
    log.append(Sent(SATO, "00Qold", AlertKind.HOT_LEAD, NOW - timedelta(hours=2)))
    result = throttle([assigned(SATO, 1), assigned(SATO, 2), assigned(SUZUKI, 3)], log, AlertPolicy(5), NOW)
    assert [a.lead_id[-5:] for a in result.send] == ["01AAA", "03AAA"]
    assert list(result.digests) == [SATO]


def test_one_lead_is_alerted_once_per_window_and_kind() -> None:
    again = assigned(SATO, 1)
    log = [Sent(SATO, again.lead_id, AlertKind.MQL_ASSIGNED, NOW - timedelta(hours=3))]
    result = throttle([again, again], log, AlertPolicy(), NOW)
    assert result.send == ()
    assert result.suppressed == (again, again)


def test_a_different_kind_about_the_same_lead_is_still_sent() -> None:
    lead = assigned(SATO, 1)
    breach = Alert(SATO, lead.lead_id, AlertKind.SLA_BREACH, "初回コンタクトの期限を過ぎました")
    log = [Sent(SATO, lead.lead_id, AlertKind.MQL_ASSIGNED, NOW - timedelta(hours=1))]
    assert throttle([breach], log, AlertPolicy(), NOW).send == (breach,)


# --- the budget across invocations: counted in DynamoDB (moto), shared by every invocation ---------

TABLE = "leadrelay-routing-state"


@pytest.fixture
def ledger(atomic_dynamodb: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[DynamoDBAlertLedger]:
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("dynamodb", region_name="ap-northeast-1")
        create_routing_table(client, TABLE)
        yield DynamoDBAlertLedger(client, TABLE)


def test_a_second_invocation_in_the_same_hour_finds_the_budget_the_first_one_spent(
    ledger: DynamoDBAlertLedger,
) -> None:
    policy = AlertPolicy(per_rep_per_hour=3)
    first = spend_budget([assigned(SATO, n) for n in range(5)], ledger, policy, NOW)
    later = NOW + timedelta(minutes=20)
    second = spend_budget([assigned(SATO, n) for n in range(5, 7)], ledger, policy, later)

    assert [a.lead_id for a in first.send] == [assigned(SATO, n).lead_id for n in range(3)]
    assert first.held == (assigned(SATO, 3), assigned(SATO, 4))
    assert (second.send, second.held) == ((), (assigned(SATO, 5), assigned(SATO, 6)))


def test_the_held_alerts_of_an_hour_are_one_digest_once_the_hour_is_over(ledger: DynamoDBAlertLedger) -> None:
    policy = AlertPolicy(per_rep_per_hour=1)
    spend_budget([assigned(SATO, n) for n in range(3)], ledger, policy, NOW)
    spend_budget([assigned(SATO, 3), assigned(SUZUKI, 4)], ledger, policy, NOW + timedelta(minutes=40))

    during = ledger.take_digests(now=NOW + timedelta(minutes=50))
    after = ledger.take_digests(now=NOW + timedelta(minutes=65))
    again = ledger.take_digests(now=NOW + timedelta(minutes=80))

    assert during == []  # the hour is not over
    assert [(d.rep_id, d.alerts) for d in after] == [(SATO, tuple(assigned(SATO, n) for n in (1, 2, 3)))]
    assert again == []  # taken once


def test_a_digest_given_back_is_taken_again_by_the_next_run(ledger: DynamoDBAlertLedger) -> None:
    spend_budget([assigned(SATO, 1), assigned(SATO, 2)], ledger, AlertPolicy(per_rep_per_hour=1), NOW)
    (taken,) = ledger.take_digests(now=NOW + timedelta(hours=1))

    ledger.restore_digest(taken)

    assert ledger.take_digests(now=NOW + timedelta(hours=1, minutes=15)) == [taken]


def test_the_budget_is_per_rep_and_starts_again_the_next_hour(ledger: DynamoDBAlertLedger) -> None:
    policy = AlertPolicy(per_rep_per_hour=1)
    spend_budget([assigned(SATO, 1), assigned(SATO, 2)], ledger, policy, NOW)

    later = spend_budget([assigned(SATO, 3), assigned(SUZUKI, 4)], ledger, policy, NOW + timedelta(minutes=5))
    next_hour = spend_budget([assigned(SATO, 5)], ledger, policy, NOW + timedelta(hours=1))

    assert later.send == (assigned(SUZUKI, 4),)
    assert later.held == (assigned(SATO, 3),)
    assert next_hour.send == (assigned(SATO, 5),)


def test_concurrent_invocations_never_grant_more_than_the_budget_and_hold_the_rest(
    ledger: DynamoDBAlertLedger,
) -> None:
    alerts = [assigned(SATO, n) for n in range(40)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        grants = list(pool.map(lambda alert: ledger.spend(alert, at=NOW, limit=5), alerts))

    (held,) = ledger.take_digests(now=NOW + timedelta(hours=1))
    assert Counter(grants) == {Grant.SINGLE: 5, Grant.HELD: 35}
    assert set(held.alerts) == {
        alert for alert, grant in zip(alerts, grants, strict=True) if grant is Grant.HELD
    }
    assert len(held.alerts) == 35  # each held once


def test_the_local_ledger_keeps_the_same_budget() -> None:
    local = InMemoryAlertLedger()
    grants = [local.spend(assigned(SATO, n), at=NOW, limit=2) for n in range(4)]
    assert grants == [Grant.SINGLE, Grant.SINGLE, Grant.HELD, Grant.HELD]
    (held,) = local.take_digests(now=NOW + timedelta(hours=1))
    assert held.alerts == (assigned(SATO, 2), assigned(SATO, 3))
    assert local.take_digests(now=NOW + timedelta(hours=1)) == []
