"""The business calendar: weekends, public holidays, 年末年始 and working hours, in each rep's time zone."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from leadrelay.domain.calendar import BusinessCalendar, Closure, Span, Unit, WorkingHours

TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")
CALENDAR = BusinessCalendar()


def tokyo(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TOKYO)


def test_golden_week_holidays_and_the_substitute_holiday_are_not_business_days() -> None:
    golden_week = [date(2026, 4, 29), date(2026, 5, 4), date(2026, 5, 5), date(2026, 5, 6)]
    assert not any(CALENDAR.is_business_day(day) for day in golden_week)
    assert CALENDAR.is_business_day(date(2026, 4, 30))


def test_the_year_end_closure_wraps_the_new_year() -> None:
    assert not CALENDAR.is_business_day(date(2026, 12, 29))
    assert not CALENDAR.is_business_day(date(2027, 1, 3))
    assert CALENDAR.is_business_day(date(2026, 12, 28))
    assert CALENDAR.is_business_day(date(2027, 1, 4))


def test_five_business_days_across_golden_week_end_on_the_fifth_working_day() -> None:
    deadline = CALENDAR.deadline(tokyo(2026, 4, 28, 10), Span(5, Unit.BUSINESS_DAYS), TOKYO)
    assert deadline == tokyo(2026, 5, 11, 18)  # 4/30, 5/1, 5/7, 5/8, 5/11


def test_a_lead_on_friday_evening_gets_48_calendar_hours_to_sunday_evening() -> None:
    deadline = CALENDAR.deadline(tokyo(2026, 11, 20, 19), Span(48, Unit.CALENDAR_HOURS), TOKYO)
    assert deadline == tokyo(2026, 11, 22, 19)


def test_five_business_days_from_friday_skip_the_weekend_and_labour_thanksgiving_day() -> None:
    deadline = CALENDAR.deadline(tokyo(2026, 11, 20, 19), Span(5, Unit.BUSINESS_DAYS), TOKYO)
    assert deadline == tokyo(2026, 11, 30, 18)  # 11/23 勤労感謝の日 is skipped


def test_working_hours_count_only_the_working_day() -> None:
    deadline = CALENDAR.deadline(tokyo(2026, 11, 16, 10), Span(4, Unit.WORKING_HOURS), TOKYO)
    assert deadline == tokyo(2026, 11, 16, 14)
    overnight = CALENDAR.deadline(tokyo(2026, 11, 16, 16), Span(4, Unit.WORKING_HOURS), TOKYO)
    assert overnight == tokyo(2026, 11, 17, 11)


def test_working_hours_started_before_the_day_begins_count_from_its_start() -> None:
    deadline = CALENDAR.deadline(tokyo(2026, 11, 16, 7), Span(1, Unit.WORKING_HOURS), TOKYO)
    assert deadline == tokyo(2026, 11, 16, 10)


def test_48_working_hours_from_friday_evening_before_new_year_resume_after_the_closure() -> None:
    deadline = CALENDAR.deadline(tokyo(2026, 12, 25, 19), Span(48, Unit.WORKING_HOURS), TOKYO)
    assert deadline == tokyo(2027, 1, 8, 12)  # 12/28 (9 h), then 1/4–1/7 (36 h), 3 h on 1/8


def test_the_deadline_is_in_the_reps_own_time_zone() -> None:
    start = datetime(2026, 11, 16, 14, tzinfo=ZoneInfo("UTC"))  # 09:00 in New York
    deadline = CALENDAR.deadline(start, Span(2, Unit.WORKING_HOURS), NEW_YORK)
    assert deadline == datetime(2026, 11, 16, 11, tzinfo=NEW_YORK)


def test_working_time_is_read_in_the_reps_time_zone() -> None:
    monday_noon_tokyo = tokyo(2026, 11, 16, 12)
    assert CALENDAR.is_working_time(monday_noon_tokyo, TOKYO)
    assert not CALENDAR.is_working_time(monday_noon_tokyo, NEW_YORK)  # Sunday 22:00 there


def test_zero_business_days_on_a_holiday_run_to_the_end_of_the_next_business_day() -> None:
    deadline = CALENDAR.deadline(tokyo(2026, 5, 5, 10), Span(0, Unit.BUSINESS_DAYS), TOKYO)
    assert deadline == tokyo(2026, 5, 7, 18)


def test_a_configured_calendar_uses_its_own_hours_and_closures() -> None:
    calendar = BusinessCalendar(
        closures=(Closure.parse("08-13", "08-16"),), hours=WorkingHours(time(10), time(17))
    )
    assert not calendar.is_business_day(date(2026, 8, 14))  # お盆
    deadline = calendar.deadline(tokyo(2026, 8, 12, 16), Span(2, Unit.WORKING_HOURS), TOKYO)
    assert deadline == tokyo(2026, 8, 17, 11)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Span(-1, Unit.CALENDAR_HOURS), "a timer cannot run for -1 calendar_hours"),
        (lambda: Span(1.5, Unit.BUSINESS_DAYS), "business days are whole days, not 1.5"),
        (lambda: Closure.parse("13-01", "12-31"), "'13-01' is not a month-day like 12-29"),
        (lambda: WorkingHours(time(18), time(9)), "working hours end (09:00) before they start (18:00)"),
    ],
)
def test_a_bad_setting_is_refused_with_a_sentence(make: object, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        make()  # type: ignore[operator]


def test_a_calendar_without_business_days_says_so_instead_of_looping() -> None:
    never = BusinessCalendar(weekend=frozenset(range(7)))
    with pytest.raises(ValueError, match="no business day within 3660 days after 2026-11-16"):
        never.deadline(tokyo(2026, 11, 16, 10), Span(1, Unit.BUSINESS_DAYS), TOKYO)


def test_a_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="aware datetime"):
        CALENDAR.deadline(datetime(2026, 11, 16, 10), Span(1, Unit.WORKING_HOURS), TOKYO)
