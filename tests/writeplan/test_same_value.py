"""same_value / salesforce_value: a value Salesforce already stores never causes a write."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum
from typing import Any

import pytest
from leadrelay.domain.sfvalues import salesforce_value, same_value

JST = timezone(timedelta(hours=9))
MQL_AT = datetime(2026, 11, 21, 14, 17, 0, 123456, tzinfo=JST)


class Stage(StrEnum):
    MQL = "MQL"


@pytest.mark.parametrize(
    ("current", "desired"),
    [
        (30, 30.0),
        (30.0, 30),
        (Decimal("30.00"), 30),
        (None, None),
        (None, ""),
        ("", None),
        ("MQL", "MQL"),
        ("MQL", Stage.MQL),
        (True, True),
        (False, False),
        ("2026-11-21T05:17:00.123+0000", MQL_AT),
        ("2026-11-21T05:17:00.123Z", MQL_AT),
        ("2026-11-21T14:17:00.123+09:00", "2026-11-21T05:17:00.123+0000"),
        ("2026-11-21", date(2026, 11, 21)),
        ("株式会社サンプル商事", "株式会社サンプル商事"),
    ],
)
def test_values_salesforce_stores_identically_are_the_same(current: Any, desired: Any) -> None:
    assert same_value(current, desired)


@pytest.mark.parametrize(
    ("current", "desired"),
    [
        (30, 31),
        (None, 0),
        (0, None),
        ("", "MQL"),
        ("MQL", None),
        (True, 1),
        (1, True),
        (False, None),
        (False, 0),
        ("30", 30),
        ("2026-11-21T05:17:01.000+0000", MQL_AT),
        ("2026-11-21T05:17:00.000+0000", "2026-11-21T05:17:00.001Z"),
        ("not a date", MQL_AT),
        ("Lead", "lead"),
        ("株式会社サンプル商事", "株式会社サンプル商事 "),
    ],
)
def test_values_that_differ_in_salesforce_are_not_the_same(current: Any, desired: Any) -> None:
    assert not same_value(current, desired)


def test_datetimes_are_sent_in_utc_to_the_millisecond() -> None:
    assert salesforce_value(MQL_AT) == "2026-11-21T05:17:00.123Z"


def test_naive_datetimes_are_taken_as_utc() -> None:
    assert salesforce_value(datetime(2026, 11, 21, 5, 17)) == "2026-11-21T05:17:00.000Z"


@pytest.mark.parametrize(
    ("value", "sent"),
    [
        (date(2026, 11, 21), "2026-11-21"),
        (30.0, 30),
        (Decimal("42"), 42),
        (Decimal("4.5"), 4.5),
        (4.5, 4.5),
        (Stage.MQL, "MQL"),
        (True, True),
        ("山田 太郎", "山田 太郎"),
        (None, None),
    ],
)
def test_values_are_sent_as_json_salesforce_accepts(value: Any, sent: Any) -> None:
    result = salesforce_value(value)

    assert result == sent
    assert type(result) is type(sent)


def test_a_datetime_read_back_equals_the_value_written() -> None:
    sent = salesforce_value(datetime(2026, 11, 21, 5, 17, 0, 999999, tzinfo=UTC))

    assert same_value(sent, datetime(2026, 11, 21, 5, 17, 0, 999999, tzinfo=UTC))
