"""法人番号: 13 digits, the first the check digit of the other twelve."""

import pytest
from leadrelay.domain.matching.corporate_number import check_digit, normalise_corporate_number


def test_a_valid_number_is_kept() -> None:
    assert normalise_corporate_number("4011001098993") == "4011001098993"


def test_full_width_digits_and_hyphens_are_accepted() -> None:
    assert normalise_corporate_number("４-０１１０-０１０９-８９９３") == "4011001098993"


def test_a_wrong_check_digit_is_rejected() -> None:
    assert normalise_corporate_number("5011001098993") is None


@pytest.mark.parametrize("value", ["", "011001098993", "40110010989930", "401100109899A"])
def test_a_value_that_is_not_thirteen_digits_is_rejected(value: str) -> None:
    assert normalise_corporate_number(value) is None


def test_check_digit_follows_the_national_tax_agency_example() -> None:
    assert check_digit("123456789012") == 7


def test_a_base_that_is_not_twelve_digits_is_an_error_naming_it() -> None:
    with pytest.raises(ValueError, match="12 digits, got '12345'"):
        check_digit("12345")
