"""Choosing a rep from a pool: rotation, weights, least-loaded, caps, absences and a fair return."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from leadrelay.domain.calendar import BusinessCalendar
from leadrelay.domain.pools import Absence, Load, PoolRules, Rep, Skip, SkipReason, Strategy, choose

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 16, 11, tzinfo=TOKYO)  # a Monday morning
CALENDAR = BusinessCalendar()
SATO, SUZUKI, TAKAHASHI = "005RM000000001AAA", "005RM000000002AAA", "005RM000000003AAA"


def rep(user_id: str, **fields: object) -> Rep:
    return Rep(user_id, TOKYO, **fields)  # type: ignore[arg-type]


def picks(
    reps: Sequence[Rep], rules: PoolRules, count: int, loads: Mapping[str, Load] | None = None
) -> list[str | None]:
    """``count`` leads routed one after another, the pool's credits saved between them."""
    credits: Mapping[str, float] = {}
    chosen: list[str | None] = []
    for _ in range(count):
        choice = choose(reps, rules, loads=loads or {}, credits=credits, now=NOW, calendar=CALENDAR)
        credits = choice.credits
        chosen.append(choice.user_id)
    return chosen


def test_round_robin_takes_the_reps_in_turn() -> None:
    reps = [rep(SATO), rep(SUZUKI), rep(TAKAHASHI)]
    assert picks(reps, PoolRules(), 6) == [SATO, SUZUKI, TAKAHASHI] * 2


def test_weighted_round_robin_keeps_every_prefix_within_one_lead_of_the_weights() -> None:
    reps = [rep(SATO, weight=2), rep(SUZUKI, weight=1)]
    chosen = picks(reps, PoolRules(Strategy.WEIGHTED_ROUND_ROBIN), 30)
    for n in range(1, 31):
        share = Counter(chosen[:n])[SATO]
        assert abs(share - n * 2 / 3) <= 1
    assert Counter(chosen) == {SATO: 20, SUZUKI: 10}


def test_an_inactive_user_is_skipped_with_the_reason() -> None:
    choice = choose(
        [rep(SATO, active=False), rep(SUZUKI)], PoolRules(), loads={}, credits={}, now=NOW, calendar=CALENDAR
    )
    assert choice.user_id == SUZUKI
    assert choice.skipped == (Skip(SATO, SkipReason.INACTIVE),)


def test_a_rep_on_leave_is_skipped_and_not_flooded_on_return() -> None:
    leave = Absence(NOW - timedelta(days=3), NOW + timedelta(minutes=1))
    away = [rep(SATO), rep(SUZUKI, absences=(leave,)), rep(TAKAHASHI)]
    credits: Mapping[str, float] = {}
    for _ in range(6):  # six leads while 鈴木 is on leave
        choice = choose(away, PoolRules(), loads={}, credits=credits, now=NOW, calendar=CALENDAR)
        assert Skip(SUZUKI, SkipReason.AWAY) in choice.skipped
        credits = choice.credits
    back = [rep(SATO), rep(SUZUKI), rep(TAKAHASHI)]
    after: list[str | None] = []
    for _ in range(6):
        choice = choose(back, PoolRules(), loads={}, credits=credits, now=NOW, calendar=CALENDAR)
        credits = choice.credits
        after.append(choice.user_id)
    assert Counter(after) == {SATO: 2, SUZUKI: 2, TAKAHASHI: 2}


def test_a_rep_at_the_daily_cap_is_skipped() -> None:
    loads = {SATO: Load(new_today=5)}
    choice = choose(
        [rep(SATO), rep(SUZUKI)],
        PoolRules(max_new_per_day=5),
        loads=loads,
        credits={},
        now=NOW,
        calendar=CALENDAR,
    )
    assert (choice.user_id, choice.skipped) == (SUZUKI, (Skip(SATO, SkipReason.DAILY_CAP),))


def test_a_rep_holding_too_many_open_mqls_is_skipped() -> None:
    loads = {SATO: Load(open_mqls=30)}
    choice = choose(
        [rep(SATO), rep(SUZUKI)], PoolRules(max_open=30), loads=loads, credits={}, now=NOW, calendar=CALENDAR
    )
    assert choice.skipped == (Skip(SATO, SkipReason.OPEN_CAP),)


def test_a_rep_outside_their_own_working_hours_is_skipped_when_the_pool_asks() -> None:
    new_york = Rep("005RM000000009AAA", ZoneInfo("America/New_York"))  # Sunday 21:00 there
    choice = choose(
        [new_york, rep(SATO)],
        PoolRules(working_hours_only=True),
        loads={},
        credits={},
        now=NOW,
        calendar=CALENDAR,
    )
    assert (choice.user_id, choice.skipped) == (SATO, (Skip(new_york.user_id, SkipReason.OFF_HOURS),))


def test_least_loaded_gives_the_lead_to_the_rep_with_the_fewest_open_mqls_per_weight() -> None:
    loads = {SATO: Load(open_mqls=8), SUZUKI: Load(open_mqls=3), TAKAHASHI: Load(open_mqls=5)}
    reps = [rep(SATO, weight=2), rep(SUZUKI), rep(TAKAHASHI)]
    choice = choose(
        reps, PoolRules(Strategy.LEAST_LOADED), loads=loads, credits={}, now=NOW, calendar=CALENDAR
    )
    assert choice.user_id == SUZUKI


def test_least_loaded_breaks_a_tie_in_favour_of_the_rep_who_waited_longest() -> None:
    reps = [rep(SATO), rep(SUZUKI)]
    assert picks(reps, PoolRules(Strategy.LEAST_LOADED), 4) == [SATO, SUZUKI, SATO, SUZUKI]


def test_when_nobody_is_available_nobody_is_chosen_and_every_skip_is_named() -> None:
    choice = choose(
        [rep(SATO, active=False), rep(SUZUKI, active=False)],
        PoolRules(),
        loads={},
        credits={},
        now=NOW,
        calendar=CALENDAR,
    )
    assert choice.user_id is None
    assert [skip.reason for skip in choice.skipped] == [SkipReason.INACTIVE, SkipReason.INACTIVE]
