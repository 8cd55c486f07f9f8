"""lt, lte, gt, gte: numeric comparison, or chronological with an ISO date or datetime value."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.rules_engine.builders import holds


def employees(op: str, value: Any) -> dict[str, Any]:
    return {"field": "lead.NumberOfEmployees", "op": op, "value": value}


@pytest.mark.parametrize(
    ("op", "below", "at", "above"),
    [
        ("lt", True, False, False),
        ("lte", True, True, False),
        ("gt", False, False, True),
        ("gte", False, True, True),
    ],
)
def test_boundaries_of_each_ordering_operator(op: str, below: bool, at: bool, above: bool) -> None:
    results = [holds(employees(op, 300), lead={"NumberOfEmployees": n}) for n in (299, 300, 301)]
    assert results == [below, at, above]


def test_numeric_strings_with_separators_and_full_width_digits_compare_as_numbers() -> None:
    assert holds(employees("gte", 1000), lead={"NumberOfEmployees": "１，２００"})
    assert holds(employees("lt", 1000), lead={"NumberOfEmployees": "999.5"})


@pytest.mark.parametrize("value", [None, "三百", "350名", True, [350], {"n": 350}, "NaN", float("inf")])
def test_values_that_are_not_finite_numbers_make_comparisons_false(value: Any) -> None:
    lead = {"NumberOfEmployees": value}
    assert not holds(employees("gte", 0), lead=lead)
    assert not holds(employees("lt", 10**9), lead=lead)


def test_a_missing_field_makes_comparisons_false() -> None:
    assert not holds(employees("lt", 10), lead={})


def test_an_iso_date_value_compares_instants() -> None:
    after = {"field": "lead.CreatedDate", "op": "gte", "value": "2026-11-01"}
    assert holds(after, lead={"CreatedDate": "2026-11-01T00:00:00Z"})
    assert holds(after, lead={"CreatedDate": "2026-11-20T09:00:00+09:00"})
    assert not holds(after, lead={"CreatedDate": "2026-10-31T23:59:59Z"})


def test_a_date_only_value_means_midnight_utc() -> None:
    before = {"field": "lead.CreatedDate", "op": "lt", "value": "2026-11-01"}
    assert holds(before, lead={"CreatedDate": "2026-11-01T08:59:59+09:00"})


def test_dates_compare_with_datetime_objects_and_epoch_seconds() -> None:
    after = {"field": "lead.CreatedDate", "op": "gt", "value": "2026-01-01T00:00:00Z"}
    assert holds(after, lead={"CreatedDate": datetime(2026, 6, 1, tzinfo=UTC)})
    assert holds(after, lead={"CreatedDate": datetime(2026, 6, 1, tzinfo=UTC).timestamp()})


def test_an_unreadable_date_makes_a_date_comparison_false() -> None:
    assert not holds(
        {"field": "lead.CreatedDate", "op": "gt", "value": "2026-01-01"}, lead={"CreatedDate": "先週"}
    )
