"""MarketoDirectory: leads by id over Marketo's REST API, against the local Marketo stand-in."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from leadrelay.adapters.ma import MarketoDirectory
from leadrelay.domain.enrichment import MA_AUTH_FAILED, MA_RATE_LIMITED, MaDirectoryError, MaPerson

from tests.plugins.localma import LocalMa


def directory(ma: LocalMa, **override: Any) -> MarketoDirectory:
    settings = {**ma.secret()["marketo"], **override}
    return MarketoDirectory(lambda: settings, http=requests.Session())


def token_requests(ma: LocalMa) -> int:
    return ma.state.requests.count(("GET", "/identity/oauth/token"))


def test_a_lead_id_gives_the_e_mail_name_and_company_marketo_holds(local_ma: LocalMa) -> None:
    local_ma.state.add_marketo_lead(
        1043,
        email="hanako.suzuki@example-kogyo.co.jp",
        firstName="花子",
        lastName="鈴木",
        company="例示工業株式会社",
    )
    people = directory(local_ma).people(["1043", "1044"])
    assert people == {
        "1043": MaPerson("1043", "hanako.suzuki@example-kogyo.co.jp", "花子", "鈴木", "例示工業株式会社")
    }


def test_one_token_serves_every_lookup_until_it_expires(local_ma: LocalMa) -> None:
    local_ma.state.add_marketo_lead(1043, email="hanako.suzuki@example-kogyo.co.jp")
    marketo = directory(local_ma)
    marketo.people(["1043"])
    marketo.people(["1043"])
    assert token_requests(local_ma) == 1


def test_an_expired_token_is_replaced_and_the_lookup_asked_again(local_ma: LocalMa) -> None:
    local_ma.state.add_marketo_lead(1043, email="hanako.suzuki@example-kogyo.co.jp")
    marketo = directory(local_ma)
    marketo.people(["1043"])
    local_ma.state.expire_marketo_tokens()
    assert set(marketo.people(["1043"])) == {"1043"}
    assert token_requests(local_ma) == 2


def test_error_606_inside_http_200_is_a_rate_limit(local_ma: LocalMa) -> None:
    local_ma.state.marketo_rate_limited = 1
    with pytest.raises(MaDirectoryError) as failure:
        directory(local_ma).people(["1043"])
    assert failure.value.code == MA_RATE_LIMITED
    assert failure.value.retry_after == 20.0  # Marketo's 20-second window


def test_bad_client_credentials_are_an_authentication_failure(local_ma: LocalMa) -> None:
    with pytest.raises(MaDirectoryError) as failure:
        directory(local_ma, client_secret="wrong").people(["1043"])
    assert failure.value.code == MA_AUTH_FAILED
    assert "wrong" not in str(failure.value)
