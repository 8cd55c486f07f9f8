"""Logging in (JWT bearer, client credentials, from Secrets Manager), caching the session, one re-login."""

from __future__ import annotations

import boto3
import pytest
import requests
from leadrelay.adapters.salesforce import (
    AuthFlow,
    SalesforceCredentials,
    SimpleSalesforceGateway,
)
from leadrelay.bootstrap.salesforce import salesforce_credentials
from leadrelay.domain.failures import ErrorCategory, SalesforceCallError, classify_all
from leadrelay.domain.writes import WriteOp
from leadrelay.settings import SalesforceAccess
from leadrelay_tools.localorg import LocalOrg
from pydantic import SecretStr

from tests.gateway.conftest import Traffic
from tests.gateway.ops import lead_upsert


def _upsert(key: str = "hubspot:4711") -> WriteOp:
    return lead_upsert(key)


def _store_secret(credentials: SalesforceCredentials) -> str:
    """Put the credentials where production keeps them; returns the secret's ARN."""
    client = boto3.client("secretsmanager")
    return client.create_secret(Name="leadrelay/prod/salesforce", SecretString=credentials.secret_json())[
        "ARN"
    ]


def _from_secret(secret: str) -> SalesforceCredentials:
    """The credentials as the functions read them: the secret ``LEADRELAY_SF_SECRET_ID`` names."""
    return salesforce_credentials(SalesforceAccess.of({"sf_secret_id": secret}))


def _client_credentials(org: LocalOrg, secret: str | None = None) -> SalesforceCredentials:
    client_id, client_secret = org.client_credentials()
    return SalesforceCredentials(
        flow=AuthFlow.CLIENT_CREDENTIALS,
        login_url=org.url,
        consumer_key=client_id,
        consumer_secret=SecretStr(secret or client_secret),
    )


@pytest.mark.usefixtures("aws")
def test_jwt_bearer_credentials_from_secrets_manager_log_in_and_write(
    local_org: LocalOrg, jwt_credentials: SalesforceCredentials, http: requests.Session
) -> None:
    gateway = SimpleSalesforceGateway(_from_secret(_store_secret(jwt_credentials)), http=http)
    (result,) = gateway.write([_upsert()])
    assert result.success
    record = local_org.record("Lead", result.record_id or "")
    assert record is not None
    assert record["CreatedById"] == local_org.integration_user_id


@pytest.mark.usefixtures("aws")
def test_client_credentials_from_secrets_manager_log_in_and_write(
    local_org: LocalOrg, http: requests.Session
) -> None:
    secret = _store_secret(_client_credentials(local_org))
    gateway = SimpleSalesforceGateway(_from_secret(secret), http=http)
    assert gateway.write([_upsert()])[0].success


def test_a_refused_login_fails_writes_as_a_transient_session_failure(
    local_org: LocalOrg, http: requests.Session
) -> None:
    gateway = SimpleSalesforceGateway(_client_credentials(local_org, secret="wrong"), http=http)
    (result,) = gateway.write([_upsert()])
    assert result.errors[0].status_code == "AUTH_FAILED"
    assert "invalid_client" in result.errors[0].message
    assert classify_all(result.errors).category is ErrorCategory.SESSION
    assert local_org.api_calls.total == 0


def test_a_refused_login_on_read_raises_with_the_oauth_error(
    local_org: LocalOrg, http: requests.Session
) -> None:
    gateway = SimpleSalesforceGateway(_client_credentials(local_org, secret="wrong"), http=http)
    with pytest.raises(SalesforceCallError, match="AUTH_FAILED invalid_client: invalid client credentials"):
        gateway.find("Lead", "Email", ["taro.yamada@sample-shoji.co.jp"], ["Email"])


def test_the_session_is_reused_across_invocations(
    jwt_credentials: SalesforceCredentials, http: requests.Session, traffic: Traffic
) -> None:
    for _ in range(3):  # a new gateway per invocation, the module-level cache survives
        SimpleSalesforceGateway(jwt_credentials, http=http).write([_upsert()])
    assert traffic.logins == 1


def test_an_expired_session_is_re_established_once_and_the_write_succeeds(
    local_org: LocalOrg, gateway: SimpleSalesforceGateway, traffic: Traffic
) -> None:
    gateway.write([_upsert("hubspot:1")])
    local_org.expire_sessions()
    (result,) = gateway.write([_upsert("hubspot:2")])
    assert result.success
    assert traffic.logins == 2
    assert len(local_org.records("Lead")) == 2


def test_a_single_invalid_session_answer_costs_one_re_login(
    local_org: LocalOrg, gateway: SimpleSalesforceGateway, traffic: Traffic
) -> None:
    local_org.faults.fail_next_requests("INVALID_SESSION_ID")
    (result,) = gateway.write([_upsert()])
    assert result.success
    assert traffic.logins == 2


def test_a_second_invalid_session_answer_is_a_transient_session_failure(
    local_org: LocalOrg, gateway: SimpleSalesforceGateway, traffic: Traffic
) -> None:
    local_org.faults.fail_next_requests("INVALID_SESSION_ID", count=2)
    results = gateway.write([_upsert("hubspot:1"), _upsert("hubspot:2")])
    assert [(r.errors[0].status_code, r.errors[0].http_status) for r in results] == [
        ("INVALID_SESSION_ID", 401)
    ] * 2
    assert all(classify_all(r.errors).category is ErrorCategory.SESSION for r in results)
    assert traffic.logins == 2
    assert local_org.records("Lead") == []


def test_a_read_re_establishes_an_expired_session_once(
    local_org: LocalOrg, gateway: SimpleSalesforceGateway, traffic: Traffic
) -> None:
    gateway.write([_upsert()])
    local_org.expire_sessions()
    assert len(gateway.find("Lead", "LR_External_Key__c", ["hubspot:4711"], ["Company"])) == 1
    assert traffic.logins == 2


def test_a_read_with_two_invalid_session_answers_raises_a_transient_session_error(
    local_org: LocalOrg, gateway: SimpleSalesforceGateway
) -> None:
    local_org.faults.fail_next_requests("INVALID_SESSION_ID", count=2)
    with pytest.raises(SalesforceCallError) as caught:
        gateway.find("Lead", "LR_External_Key__c", ["hubspot:4711"], ["Company"])
    assert caught.value.classification.category is ErrorCategory.SESSION
    assert caught.value.classification.transient
