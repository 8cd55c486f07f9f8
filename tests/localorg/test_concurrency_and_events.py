"""Several clients at once (the processor and benchmarks run threads), and platform event publishing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from leadrelay_tools.localorg import LocalOrg
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest

from tests.localorg.payloads import api, content, rest


def test_concurrent_clients_each_see_every_write_applied_once(local_org: LocalOrg) -> None:
    ids = [local_org.insert("Lead", {"LastName": f"リード{i}", "Company": "A"}) for i in range(400)]

    def write(chunk: list[str]) -> list[Any]:
        client = local_org.client()
        records = [{"attributes": {"type": "Lead"}, "Id": i, "LR_Engagement_Score__c": 55} for i in chunk]
        results: list[Any] = []
        for _ in range(5):
            results += rest(client, "composite/sobjects", "PATCH", json={"records": records})
            client.query("SELECT Id FROM Lead WHERE LR_Engagement_Score__c = 55 LIMIT 10")
        return results

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = [
            r for chunk in pool.map(write, [ids[i : i + 100] for i in range(0, 400, 100)]) for r in chunk
        ]

    assert len(results) == 2000
    assert all(r["success"] for r in results)
    assert {r["LR_Engagement_Score__c"] for r in local_org.records("Lead")} == {55.0}
    assert local_org.api_calls["collections_update"] == 20
    assert local_org.api_calls["query"] == 20


def test_publishing_a_platform_event_returns_an_id_and_keeps_it(
    local_org: LocalOrg, local_org_client: Salesforce
) -> None:
    event = {
        "Email__c": "taro.yamada@sample-shoji.co.jp",
        "Activity_Type__c": "form_fill",
        "Occurred_At__c": "2024-04-01T09:00:00+09:00",
        "Event_Key__c": "marketo:12345",
    }

    published = api(local_org_client, "Lead_Activity__e").create(event)

    assert published["success"] is True
    assert published["id"].startswith("e00")
    assert local_org.records("Lead_Activity__e")[0]["Occurred_At__c"] == "2024-04-01T00:00:00.000+0000"
    assert local_org.change_events() == []


def test_platform_events_cannot_be_queried(local_org_client: Salesforce) -> None:
    with pytest.raises(SalesforceMalformedRequest) as caught:
        local_org_client.query("SELECT Id FROM Lead_Activity__e")

    assert content(caught.value)[0]["errorCode"] == "INVALID_TYPE"
