"""Numeric field values typed by people: full-width digits and commas become the number Salesforce takes."""

from __future__ import annotations

import pytest
from leadrelay.domain.sfvalues import coerce_value, number_from_text


@pytest.mark.parametrize(
    ("text", "number"),
    [("１，２００", 1200), ("1,200", 1200), (" 350 ", 350), ("-１０", -10), ("3.5", 3.5), ("１２．５", 12.5)],
)
def test_numeric_text_is_read_as_its_number(text: str, number: float) -> None:
    assert number_from_text(text) == number


@pytest.mark.parametrize("text", ["約千名", "12,34", "1,2000", "", "三百"])
def test_text_that_is_no_number_is_none(text: str) -> None:
    assert number_from_text(text) is None


def test_a_numeric_field_takes_the_number_and_a_text_field_keeps_the_text() -> None:
    assert coerce_value("１，２００", "int") == 1200
    assert coerce_value("０３-１２３４-５６７８", "phone") == "０３-１２３４-５６７８"


def test_text_no_numeric_field_can_take_is_refused_naming_the_value() -> None:
    with pytest.raises(ValueError, match="'約千名' is not a number"):
        coerce_value("約千名", "int")
