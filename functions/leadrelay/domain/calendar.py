"""The business calendar: which days are business days, and when an SLA timer started at an instant runs out.

An SLA timer counts in one of three units (:class:`Unit`): plain calendar hours ("first contact within 48
hours" as the clock runs), working hours (only the hours inside the working day of business days, in the
rep's time zone) or business days ("an SQL decision within 5 business days": the deadline is the end of
the working day of the 5th business day after the day the timer starts). A business day is a day that
is not a weekend day, not a Japanese public holiday (``jpholiday``: substitute holidays and 国民の休日
included) and not inside a yearly closure such as 年末年始 (29 December – 3 January).

Pure: instants come in aware and go out aware; the time zone is passed in (the caller builds it from the
rep's ``User.TimeZoneSidKey``). Wall-clock arithmetic within a day (a DST change during a working day
shifts the deadline by its hour; Japan has none).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Final

from msgspec import Struct, field

HolidayCheck = Callable[[date], bool]
MAX_DAYS_SEARCHED: Final = 3660
"""A calendar with no business day in ten years is a configuration mistake, reported as such."""


def japanese_public_holiday(day: date) -> bool:
    """True on 国民の祝日, 振替休日 and 国民の休日 (``jpholiday``, loaded with the first date asked about:
    a processor's first batch often routes nobody)."""
    import jpholiday

    return bool(jpholiday.is_holiday(day))


class Unit(StrEnum):
    """What an SLA timer counts."""

    CALENDAR_HOURS = "calendar_hours"
    WORKING_HOURS = "working_hours"
    BUSINESS_DAYS = "business_days"


class Span(Struct, frozen=True):
    """A timer's length: ``Span(48, Unit.CALENDAR_HOURS)``, ``Span(5, Unit.BUSINESS_DAYS)``."""

    amount: float
    unit: Unit

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise ValueError(f"a timer cannot run for {self.amount:g} {self.unit.value}")
        if self.unit is Unit.BUSINESS_DAYS and not float(self.amount).is_integer():
            raise ValueError(f"business days are whole days, not {self.amount:g}")


class Closure(Struct, frozen=True):
    """A closure every year, from one month-day to another inclusive; it may wrap the year (12-29 → 01-03)."""

    first: tuple[int, int]
    last: tuple[int, int]

    @classmethod
    def parse(cls, first: str, last: str) -> Closure:
        """``Closure.parse("12-29", "01-03")``; raises ``ValueError`` naming a bad month-day."""
        return cls(_month_day(first), _month_day(last))

    def covers(self, day: date) -> bool:
        """True when ``day`` falls in the closure."""
        key = (day.month, day.day)
        if self.first <= self.last:
            return self.first <= key <= self.last
        return key >= self.first or key <= self.last


YEAR_END: Final = Closure((12, 29), (1, 3))
"""年末年始: 29 December to 3 January, the closure most Japanese companies observe."""


class WorkingHours(Struct, frozen=True):
    """The working day, in the rep's local time (``09:00``–``18:00`` unless configured)."""

    start: time = time(9)
    end: time = time(18)

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"working hours end ({self.end:%H:%M}) before they start ({self.start:%H:%M})")


class BusinessCalendar(Struct, frozen=True):
    """Weekends, public holidays, yearly closures and the working day."""

    weekend: frozenset[int] = frozenset({5, 6})
    """ISO weekdays counted from Monday = 0: Saturday and Sunday."""
    closures: tuple[Closure, ...] = (YEAR_END,)
    holidays: HolidayCheck = japanese_public_holiday
    hours: WorkingHours = field(default_factory=WorkingHours)

    def is_business_day(self, day: date) -> bool:
        """Not a weekend day, not a holiday, not in a closure."""
        return (
            day.weekday() not in self.weekend
            and not any(closure.covers(day) for closure in self.closures)
            and not self.holidays(day)
        )

    def next_business_day(self, day: date) -> date:
        """The first business day strictly after ``day``."""
        for offset in range(1, MAX_DAYS_SEARCHED):
            candidate = day + timedelta(days=offset)
            if self.is_business_day(candidate):
                return candidate
        raise ValueError(f"no business day within {MAX_DAYS_SEARCHED} days after {day}: check the calendar")

    def is_working_time(self, moment: datetime, tz: tzinfo) -> bool:
        """True when ``moment`` falls inside the working hours of a business day in ``tz``."""
        local = _local(moment, tz)
        return self.is_business_day(local.date()) and self.hours.start <= local.time() < self.hours.end

    def deadline(self, start: datetime, span: Span, tz: tzinfo) -> datetime:
        """When a timer of ``span`` started at ``start`` runs out, in ``tz`` (aware)."""
        local = _local(start, tz)
        if span.unit is Unit.CALENDAR_HOURS:
            return (start + timedelta(hours=span.amount)).astimezone(tz)
        if span.unit is Unit.BUSINESS_DAYS:
            day = local.date()
            if span.amount == 0 and not self.is_business_day(day):
                day = self.next_business_day(day)
            for _ in range(int(span.amount)):
                day = self.next_business_day(day)
            return datetime.combine(day, self.hours.end, tzinfo=tz)
        return self._after_working_hours(local, timedelta(hours=span.amount), tz)

    def _after_working_hours(self, local: datetime, remaining: timedelta, tz: tzinfo) -> datetime:
        cursor = self._working_from(local, tz)
        for _ in range(MAX_DAYS_SEARCHED):
            day_end = datetime.combine(cursor.date(), self.hours.end, tzinfo=tz)
            available = day_end - cursor
            if remaining <= available:
                return cursor + remaining
            remaining -= available
            cursor = datetime.combine(self.next_business_day(cursor.date()), self.hours.start, tzinfo=tz)
        raise ValueError(f"working hours never add up to the timer: check the calendar ({remaining} left)")

    def _working_from(self, local: datetime, tz: tzinfo) -> datetime:
        """``local`` if it is working time, else the start of the next working period."""
        day = local.date()
        if self.is_business_day(day):
            if local.time() < self.hours.start:
                return datetime.combine(day, self.hours.start, tzinfo=tz)
            if local.time() < self.hours.end:
                return local
        return datetime.combine(self.next_business_day(day), self.hours.start, tzinfo=tz)


def _local(moment: datetime, tz: tzinfo) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("the calendar needs an aware datetime (with its offset)")
    return moment.astimezone(tz)


def _month_day(text: str) -> tuple[int, int]:
    try:
        month, day = (int(part) for part in text.split("-"))
        date(2024, month, day)  # a leap year: 02-29 is a valid closure day
    except ValueError:
        raise ValueError(f"{text!r} is not a month-day like 12-29") from None
    return month, day
