"""Choosing a rep from a pool: round robin, weighted round robin or least-loaded, with caps and absences.

Pure: the caller passes the reps as Salesforce knows them (``User.IsActive``, ``User.TimeZoneSidKey``,
the OutOfOffice records they set), their load (new MQLs today in their own time zone, open MQLs) and the
pool's saved state; :func:`choose` returns the rep, every rep it skipped and why, and the state to save
(with a conditional write, so two invocations never take the same slot — the adapter's job).

Fairness after an absence: a rep who is away, inactive or capped is not eligible and **earns no
credit** while so. Weighted round robin is the smooth algorithm (each pick, every eligible rep gains
its weight and the chosen rep pays the eligible total), so over any run of picks each rep's share is
within one lead of its weight; a returning rep simply rejoins the rotation — never flooded to catch
up. Least-loaded compares open MQLs per unit of weight (what a rep holds now, not what they missed),
capped by the daily limit, so a rep back from leave gets at most ``max_new_per_day`` on their first day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import TYPE_CHECKING

from msgspec import Struct, field

if TYPE_CHECKING:  # annotations only: the ingress functions import the ports, never the holiday tables
    from leadrelay.domain.calendar import BusinessCalendar


class Strategy(StrEnum):
    """How a pool distributes."""

    ROUND_ROBIN = "round_robin"
    WEIGHTED_ROUND_ROBIN = "weighted_round_robin"
    LEAST_LOADED = "least_loaded"


class SkipReason(StrEnum):
    """Why a rep was passed over (goes to the trace and the routing-reason field)."""

    INACTIVE = "inactive"
    AWAY = "away"
    OFF_HOURS = "off_hours"
    DAILY_CAP = "daily_cap"
    OPEN_CAP = "open_cap"


class Absence(Struct, frozen=True):
    """A period a rep is away (an OutOfOffice record, or leave in the rules file): ``[start, end)``."""

    start: datetime
    end: datetime


class Rep(Struct, frozen=True):
    """A pool member as Salesforce and the rules know them."""

    user_id: str
    time_zone: tzinfo
    active: bool = True
    weight: float = 1.0
    absences: tuple[Absence, ...] = ()


class Load(Struct, frozen=True):
    """A rep's load: new MQLs assigned today (their local day) and open MQLs they hold."""

    new_today: int = 0
    open_mqls: int = 0


class PoolRules(Struct, frozen=True):
    """A pool's policy from the rules file."""

    strategy: Strategy = Strategy.ROUND_ROBIN
    max_new_per_day: int | None = None
    max_open: int | None = None
    working_hours_only: bool = False
    """Skip reps outside their working hours (business calendar, their time zone)."""


class Skip(Struct, frozen=True):
    """One rep passed over, and why."""

    user_id: str
    reason: SkipReason


class Choice(Struct, frozen=True):
    """The rep chosen (None: nobody eligible — the row's fallback owner takes the lead), who was skipped
    and why, and the pool's credits to save."""

    user_id: str | None
    skipped: tuple[Skip, ...]
    credits: Mapping[str, float] = field(default_factory=dict)


def choose(
    reps: Sequence[Rep],
    rules: PoolRules,
    *,
    loads: Mapping[str, Load],
    credits: Mapping[str, float],
    now: datetime,
    calendar: BusinessCalendar,
) -> Choice:
    """The next rep of the pool for one lead, at ``now``."""
    eligible: list[Rep] = []
    skipped: list[Skip] = []
    for rep in reps:
        reason = _unavailable(rep, rules, loads.get(rep.user_id, Load()), now, calendar)
        if reason is None:
            eligible.append(rep)
        else:
            skipped.append(Skip(rep.user_id, reason))
    kept = {rep.user_id: credits.get(rep.user_id, 0.0) for rep in reps}
    if not eligible:
        return Choice(None, tuple(skipped), kept)
    if rules.strategy is Strategy.LEAST_LOADED:
        chosen = min(
            eligible,
            key=lambda rep: (
                loads.get(rep.user_id, Load()).open_mqls / _weight(rep, rules),
                -kept[rep.user_id],
            ),
        )
        kept = {**kept, **{rep.user_id: kept[rep.user_id] + 1 for rep in eligible if rep is not chosen}}
        kept[chosen.user_id] = 0.0
        return Choice(chosen.user_id, tuple(skipped), kept)
    total = sum(_weight(rep, rules) for rep in eligible)
    for rep in eligible:
        kept[rep.user_id] += _weight(rep, rules)
    chosen = max(eligible, key=lambda rep: kept[rep.user_id])  # first in pool order on a tie
    kept[chosen.user_id] -= total
    return Choice(chosen.user_id, tuple(skipped), kept)


def _weight(rep: Rep, rules: PoolRules) -> float:
    return rep.weight if rules.strategy is not Strategy.ROUND_ROBIN and rep.weight > 0 else 1.0


def _unavailable(
    rep: Rep, rules: PoolRules, load: Load, now: datetime, calendar: BusinessCalendar
) -> SkipReason | None:
    if not rep.active:
        return SkipReason.INACTIVE
    if any(absence.start <= now < absence.end for absence in rep.absences):
        return SkipReason.AWAY
    if rules.working_hours_only and not calendar.is_working_time(now, rep.time_zone):
        return SkipReason.OFF_HOURS
    if rules.max_new_per_day is not None and load.new_today >= rules.max_new_per_day:
        return SkipReason.DAILY_CAP
    if rules.max_open is not None and load.open_mqls >= rules.max_open:
        return SkipReason.OPEN_CAP
    return None


class PoolState(Struct, frozen=True):
    """What a pool remembers between leads, saved with a version for optimistic concurrency.

    ``daily`` holds each rep's count of new MQLs on one local day (``(day, count)``; a count of an
    earlier day reads as zero), ``open`` their open MQLs, ``credits`` the rotation's credits.
    """

    version: int = 0
    credits: Mapping[str, float] = field(default_factory=dict)
    daily: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    open: Mapping[str, int] = field(default_factory=dict)

    def loads(self, reps: Sequence[Rep], now: datetime) -> dict[str, Load]:
        """Each rep's load at ``now`` (new MQLs counted on the rep's own local day)."""
        loads = {}
        for rep in reps:
            day, count = self.daily.get(rep.user_id, ("", 0))
            today = _local_day(now, rep.time_zone)
            loads[rep.user_id] = Load(count if day == today else 0, self.open.get(rep.user_id, 0))
        return loads

    def after(self, choice: Choice, reps: Sequence[Rep], now: datetime) -> PoolState:
        """The state once ``choice`` is taken: its credits, and the chosen rep's counts up by one."""
        daily, opened = dict(self.daily), dict(self.open)
        chosen = next((rep for rep in reps if rep.user_id == choice.user_id), None)
        if chosen is not None:
            today = _local_day(now, chosen.time_zone)
            day, count = daily.get(chosen.user_id, ("", 0))
            daily[chosen.user_id] = (today, count + 1 if day == today else 1)
            opened[chosen.user_id] = opened.get(chosen.user_id, 0) + 1
        return PoolState(self.version + 1, dict(choice.credits), daily, opened)


def _local_day(now: datetime, tz: tzinfo) -> str:
    return now.astimezone(tz).date().isoformat()
