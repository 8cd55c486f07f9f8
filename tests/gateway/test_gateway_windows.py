"""Re-sync windows through the real client against the local org: records by ``LastModifiedDate``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from leadrelay.adapters.salesforce import SimpleSalesforceGateway
from leadrelay_tools.localorg import LocalOrg

COMMIT = datetime(2026, 11, 21, 5, 16, 58, 250_000, tzinfo=UTC)
MARGIN = timedelta(minutes=10)


def _lead_at(org: LocalOrg, moment: datetime, family_name: str) -> str:
    """A Lead last modified at ``moment`` (the org's clock set there for the write)."""
    org.state.clock = lambda: moment
    return org.insert("Lead", {"LastName": family_name, "Company": "株式会社サンプル商事"})


def test_only_the_records_modified_in_the_window_are_found_oldest_first(
    local_org: LocalOrg, gateway: SimpleSalesforceGateway
) -> None:
    _lead_at(local_org, COMMIT - timedelta(hours=2), "古川")
    inside = [
        _lead_at(local_org, COMMIT - timedelta(minutes=9), "山田"),
        _lead_at(local_org, COMMIT, "佐藤"),
        _lead_at(local_org, COMMIT + timedelta(minutes=10), "鈴木"),
    ]
    _lead_at(local_org, COMMIT + timedelta(minutes=11), "高橋")

    found = gateway.modified_between("Lead", COMMIT - MARGIN, COMMIT + MARGIN, limit=100)

    assert found == inside


def test_an_update_moves_a_record_into_the_window(
    local_org: LocalOrg, gateway: SimpleSalesforceGateway
) -> None:
    lead_id = _lead_at(local_org, COMMIT - timedelta(days=30), "山田")
    local_org.update("Lead", lead_id, {"Title": "営業本部長"})  # still on the org's clock: COMMIT - 30 days
    local_org.state.clock = lambda: COMMIT
    local_org.update("Lead", lead_id, {"Title": "代表取締役"})

    assert gateway.modified_between("Lead", COMMIT - MARGIN, COMMIT + MARGIN, limit=100) == [lead_id]


def test_a_window_beyond_one_page_is_read_whole(
    local_org: LocalOrg, gateway: SimpleSalesforceGateway
) -> None:
    for n in range(2_050):
        _lead_at(local_org, COMMIT - timedelta(seconds=n % 600), f"山田{n}")

    found = gateway.modified_between("Lead", COMMIT - MARGIN, COMMIT + MARGIN, limit=10_001)

    assert len(set(found)) == 2_050
    assert (local_org.api_calls["query"], local_org.api_calls["query_more"]) == (1, 1)


def test_a_window_reads_no_more_than_its_limit(local_org: LocalOrg, gateway: SimpleSalesforceGateway) -> None:
    for n in range(5):
        _lead_at(local_org, COMMIT, f"佐藤{n}")

    assert len(gateway.modified_between("Lead", COMMIT - MARGIN, COMMIT + MARGIN, limit=3)) == 3
