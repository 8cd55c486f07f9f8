"""HubSpotDirectory: contacts by id through hubspot-api-client, against the local HubSpot stand-in."""

from __future__ import annotations

from typing import Any

import pytest
from leadrelay.adapters.ma import HubSpotDirectory
from leadrelay.domain.enrichment import MA_AUTH_FAILED, MA_RATE_LIMITED, MaDirectoryError, MaPerson

from tests.plugins.localma import LocalMa


def directory(ma: LocalMa, **override: Any) -> HubSpotDirectory:
    settings = {**ma.secret()["hubspot"], **override}
    return HubSpotDirectory(lambda: settings)


def test_a_contact_id_gives_the_e_mail_name_and_company_hubspot_holds(local_ma: LocalMa) -> None:
    local_ma.state.add_hubspot_contact(
        "51401",
        email="taro.yamada@sample-shoji.co.jp",
        firstname="太郎",
        lastname="山田",
        company="サンプル商事株式会社",
    )
    people = directory(local_ma).people(["51401"])
    assert people == {
        "51401": MaPerson("51401", "taro.yamada@sample-shoji.co.jp", "太郎", "山田", "サンプル商事株式会社")
    }


def test_ids_hubspot_does_not_know_are_absent_from_a_207_answer(local_ma: LocalMa) -> None:
    local_ma.state.add_hubspot_contact("51401", email="taro.yamada@sample-shoji.co.jp")
    people = directory(local_ma).people(["51401", "99999"])
    assert set(people) == {"51401"}


def test_ids_go_out_in_batch_reads_of_at_most_100(local_ma: LocalMa) -> None:
    ids = [str(60000 + i) for i in range(250)]
    for ma_id in ids:
        local_ma.state.add_hubspot_contact(ma_id, email=f"user{ma_id}@example-kogyo.co.jp")
    people = directory(local_ma).people(ids)
    assert len(people) == 250
    assert [len(batch) for batch in local_ma.state.hubspot_batches] == [100, 100, 50]


def test_a_429_is_a_rate_limit_carrying_hubspots_retry_after(local_ma: LocalMa) -> None:
    local_ma.state.hubspot_rate_limited, local_ma.state.hubspot_retry_after = 1, 7
    with pytest.raises(MaDirectoryError) as failure:
        directory(local_ma).people(["51401"])
    assert (failure.value.code, failure.value.retry_after) == (MA_RATE_LIMITED, 7.0)


def test_a_token_hubspot_refuses_is_an_authentication_failure(local_ma: LocalMa) -> None:
    with pytest.raises(MaDirectoryError) as failure:
        directory(local_ma, access_token="pat-na1-revoked").people(["51401"])
    assert failure.value.code == MA_AUTH_FAILED
    assert "pat-na1" not in str(failure.value)  # the token never reaches a message
