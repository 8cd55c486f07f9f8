"""Alerts without floods: a per-rep hourly budget, one alert per lead per window, the rest in a digest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from leadrelay.domain.alerts import Alert, AlertKind, AlertPolicy, Sent, throttle

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
