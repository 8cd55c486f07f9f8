"""E-mail: case, plus-addressing, Gmail dot folding, role mailboxes, company domains."""

import pytest
from leadrelay.domain.matching import Strength
from leadrelay.domain.matching.email import normalise_email


def test_case_and_plus_tag_are_removed() -> None:
    key = normalise_email("Taro.Yamada+mqi@Sample.co.jp")
    assert key is not None
    assert key.address == "taro.yamada@sample.co.jp"


def test_gmail_ignores_dots() -> None:
    key = normalise_email("t.a.r.o@gmail.com")
    assert key is not None
    assert key.address == "taro@gmail.com"


def test_googlemail_is_gmail() -> None:
    key = normalise_email("T.Aro@googlemail.com")
    assert key is not None
    assert key.address == "taro@gmail.com"


def test_a_company_domain_keeps_its_dots() -> None:
    key = normalise_email("t.a.r.o@sample.co.jp")
    assert key is not None
    assert key.address == "t.a.r.o@sample.co.jp"


@pytest.mark.parametrize("mailbox", ["info", "sales", "eigyo", "Support", "otoiawase"])
def test_role_mailboxes_are_weak_evidence(mailbox: str) -> None:
    key = normalise_email(f"{mailbox}@sample.co.jp")
    assert key is not None
    assert key.role_mailbox
    assert key.strength is Strength.WEAK


def test_a_personal_mailbox_is_strong_evidence() -> None:
    key = normalise_email("taro.yamada@sample.co.jp")
    assert key is not None
    assert key.strength is Strength.STRONG


@pytest.mark.parametrize("domain", ["gmail.com", "yahoo.co.jp", "docomo.ne.jp", "ezweb.ne.jp", "icloud.com"])
def test_free_mail_gives_no_company_domain(domain: str) -> None:
    key = normalise_email(f"taro@{domain}")
    assert key is not None
    assert key.free_mail
    assert key.company_domain is None


def test_the_company_domain_drops_a_subdomain() -> None:
    key = normalise_email("taro@tokyo.sample.co.jp")
    assert key is not None
    assert key.company_domain == "sample.co.jp"


def test_full_width_address_is_folded() -> None:
    key = normalise_email("ｔａｒｏ＠ｓａｍｐｌｅ．ｃｏ．ｊｐ")
    assert key is not None
    assert key.address == "taro@sample.co.jp"


@pytest.mark.parametrize("value", ["", "taro", "taro@", "@sample.co.jp", "taro yamada@sample.co.jp"])
def test_a_value_that_is_not_an_address_gives_no_key(value: str) -> None:
    assert normalise_email(value) is None
