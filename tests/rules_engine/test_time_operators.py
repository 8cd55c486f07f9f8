"""within_last and older_than, measured back from the injected now."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.rules_engine.builders import NOW, days_ago, holds, minutes_ago


def last_activity(op: str, window: dict[str, float]) -> dict[str, Any]:
    return {"field": "lead.LastActivityDate", "op": op, "value": window}


def test_within_last_includes_the_window_boundary() -> None:
    assert holds(last_activity("within_last", {"days": 30}), lead={"LastActivityDate": days_ago(30)})
    assert not holds(last_activity("within_last", {"days": 30}), lead={"LastActivityDate": days_ago(30.001)})


def test_within_last_excludes_the_future() -> None:
    assert not holds(last_activity("within_last", {"days": 30}), lead={"LastActivityDate": days_ago(-1)})


def test_older_than_is_strictly_before_the_window() -> None:
    assert holds(
        last_activity("older_than", {"hours": 48}), lead={"LastActivityDate": minutes_ago(48 * 60 + 1)}
    )
    assert not holds(
        last_activity("older_than", {"hours": 48}), lead={"LastActivityDate": minutes_ago(48 * 60)}
    )


def test_window_parts_add_up() -> None:
    window = {"days": 1, "hours": 6}
    assert holds(last_activity("within_last", window), lead={"LastActivityDate": minutes_ago(30 * 60)})
    assert not holds(
        last_activity("within_last", window), lead={"LastActivityDate": minutes_ago(30 * 60 + 1)}
    )


def test_now_is_injected_not_read_from_the_clock() -> None:
    lead = {"LastActivityDate": "2020-01-01T00:00:00Z"}
    then = datetime(2020, 1, 2, tzinfo=NOW.tzinfo) - timedelta(hours=9)
    assert holds(last_activity("within_last", {"days": 2}), lead=lead, now=then)


@pytest.mark.parametrize("value", [None, "昨日", True, {"date": "2026-11-20"}, ["2026-11-20"]])
def test_unreadable_instants_make_both_operators_false(value: Any) -> None:
    lead = {"LastActivityDate": value}
    assert not holds(last_activity("within_last", {"days": 3650}), lead=lead)
    assert not holds(last_activity("older_than", {"days": 0}), lead=lead)


def test_epoch_seconds_and_date_only_values_are_instants() -> None:
    assert holds(last_activity("within_last", {"days": 1}), lead={"LastActivityDate": NOW.timestamp() - 60})
    assert holds(last_activity("older_than", {"days": 1}), lead={"LastActivityDate": "2026-11-01"})
