"""Phone numbers: E.164 with Japan by default, extensions stripped, switchboards weak."""

import pytest
from leadrelay.domain.matching import Strength
from leadrelay.domain.matching.phone import normalise_phone


@pytest.mark.parametrize(
    "value",
    ["03-1234-5678", "03(1234)5678", "０３－１２３４－５６７８", "+81 3-1234-5678", "+81(0)3 1234 5678"],
)
def test_tokyo_number_in_any_notation_is_e164(value: str) -> None:
    key = normalise_phone(value)
    assert key is not None
    assert key.e164 == "+81312345678"


@pytest.mark.parametrize(
    ("value", "extension"),
    [("03-1234-5678 内線123", "123"), ("03-1234-5678 ext. 45", "45"), ("03-1234-5678 (内)7", "7")],
)
def test_extension_is_stripped_and_kept_aside(value: str, extension: str) -> None:
    key = normalise_phone(value)
    assert key is not None
    assert (key.e164, key.extension) == ("+81312345678", extension)


def test_mobile_is_a_direct_line() -> None:
    key = normalise_phone("090-1234-5678")
    assert key is not None
    assert key.mobile
    assert key.strength is Strength.MEDIUM


@pytest.mark.parametrize(
    "value", ["03-1234-0000", "代表 03-1234-5678", "0120-123-456", "0800-123-4567", "0570-123-456"]
)
def test_switchboards_are_weak_evidence(value: str) -> None:
    key = normalise_phone(value)
    assert key is not None
    assert key.switchboard
    assert key.strength is Strength.WEAK


def test_the_caller_can_flag_a_switchboard() -> None:
    key = normalise_phone("03-1234-5678", switchboard=True)
    assert key is not None
    assert key.strength is Strength.WEAK


def test_another_region_can_be_the_default() -> None:
    key = normalise_phone("(415) 555-2671", region="US")
    assert key is not None
    assert key.e164 == "+14155552671"


@pytest.mark.parametrize("value", ["", "なし", "123", "03-1234"])
def test_a_value_that_is_not_a_number_gives_no_key(value: str) -> None:
    assert normalise_phone(value) is None
