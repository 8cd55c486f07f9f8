"""Lookup values Salesforce would refuse are recognised before a query (issue 9, item 1)."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from leadrelay.domain.lookup_values import canonical_id, checksum_suffix, refused_email, refused_id
from leadrelay_tools.localorg.ids import make_id

ID15 = st.text(alphabet=string.ascii_letters + string.digits, min_size=15, max_size=15)


@given(ID15)
def test_an_id_with_its_checksum_is_the_same_id_in_any_case(id15: str) -> None:
    id18 = id15 + checksum_suffix(id15)
    assert canonical_id(id18) == id18
    assert canonical_id(id18.lower()) == id18  # the suffix restores the case
    assert canonical_id(id18.upper()) == id18


def test_ids_the_local_org_issues_are_accepted_in_15_and_18_characters() -> None:
    lead = make_id("00Q", 12_345)
    assert canonical_id(lead) == lead
    assert canonical_id(lead[:15]) == lead


@pytest.mark.parametrize(
    "value",
    [
        "00Q5f00000AbCdE999",  # suffix characters outside A-Z, 0-5
        "00Q5f00000AbCd",  # 14 characters
        "00Q5f00000AbCdEAAAA",  # 19 characters
        "00Q5f00000AbCdE-AA",  # not alphanumeric
        "00Q5f00000ABCDE" + "ZZZ",  # the suffix marks digits as upper case
        "００Ｑ5f00000AbCdEAAA",  # full-width characters
    ],
)
def test_malformed_ids_are_refused_naming_the_field(value: str) -> None:
    refusal = refused_id(value, field="identity.salesforce_id")
    assert refusal is not None
    assert refusal.status_code == "MALFORMED_ID"
    assert refusal.message.startswith("identity.salesforce_id is not a Salesforce record id")
    assert value not in refusal.message


def test_an_email_is_refused_only_past_254_characters() -> None:
    local = "t" * 240
    assert refused_email(f"{local}@example.jp"[:254], field="identity.email") is None
    refusal = refused_email("山" * 255, field="identity.email")
    assert refusal is not None
    assert (refusal.status_code, refusal.fields) == ("INVALID_EMAIL_ADDRESS", ("identity.email",))
