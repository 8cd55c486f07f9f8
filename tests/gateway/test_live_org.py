"""Smoke test against a real Salesforce org (sandbox or Developer Edition), skipped without credentials.

Set LEADRELAY_LIVE_SF_SECRET to a JSON credentials file (the Secrets Manager secret's shape, see
docs/salesforce-gateway.md). The test upserts one Lead with a unique external key and deletes it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import requests
from leadrelay.adapters.salesforce import SimpleSalesforceGateway, credentials_from_file
from leadrelay.adapters.salesforce.auth import SalesforceCredentials, login
from leadrelay.domain.writes import WriteKind, WriteOp
from simple_salesforce.api import Salesforce
from simple_salesforce.format import format_soql

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        not os.environ.get("LEADRELAY_LIVE_SF_SECRET"), reason="LEADRELAY_LIVE_SF_SECRET is not set"
    ),
]


@pytest.fixture
def credentials() -> SalesforceCredentials:
    return credentials_from_file(os.environ["LEADRELAY_LIVE_SF_SECRET"])


@pytest.fixture
def external_key(credentials: SalesforceCredentials) -> Iterator[str]:
    """A unique LR_External_Key__c; whatever Lead carries it is deleted afterwards."""
    key = f"leadrelay-smoke-{uuid.uuid4()}"
    yield key
    http = requests.Session()
    session = login(credentials, http=http, timeout=30)
    sf = Salesforce(
        instance_url=session.instance_url,
        session_id=session.access_token.get_secret_value(),
        session=http,
        version=credentials.api_version,
    )
    soql = format_soql("SELECT Id FROM Lead WHERE LR_External_Key__c = {}", key)
    for record in sf.query(soql, timeout=30)["records"]:
        sf.restful(f"sobjects/Lead/{record['Id']}", method="DELETE", timeout=30)


def test_the_gateway_upserts_and_finds_a_lead_in_a_real_org(
    credentials: SalesforceCredentials, external_key: str
) -> None:
    gateway = SimpleSalesforceGateway(credentials, timeout=30)
    op = WriteOp(
        ref="smoke",
        sobject="Lead",
        kind=WriteKind.UPSERT,
        external_id_field="LR_External_Key__c",
        external_id=external_key,
        fields={"LastName": "山田", "FirstName": "太郎", "Company": "株式会社サンプル商事"},
    )
    (first,) = gateway.write([op])
    (second,) = gateway.write([op])
    found = gateway.find("Lead", "LR_External_Key__c", [external_key], ["LastName", "Company"])
    assert (first.success, first.created, second.success, second.created) == (True, True, True, False)
    assert [(r["Id"], r["Company"]) for r in found] == [(first.record_id, "株式会社サンプル商事")]
    assert gateway.api_usage is not None
