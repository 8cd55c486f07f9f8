"""API usage from Sforce-Limit-Info, reported once per gateway call and published as CloudWatch metrics."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from aws_lambda_powertools import Metrics
from leadrelay.adapters.salesforce import ApiUsage, SalesforceCredentials, SimpleSalesforceGateway
from leadrelay.adapters.salesforce.metrics import api_usage_publisher
from leadrelay.adapters.salesforce.sessions import parse_api_usage
from leadrelay.domain.writes import WriteOp
from leadrelay.settings import METRICS_NAMESPACE as NAMESPACE
from leadrelay_tools.localorg import LocalOrg

from tests.gateway.ops import lead_upsert


def _upserts(count: int) -> list[WriteOp]:
    return [lead_upsert(f"hubspot:{n}") for n in range(count)]


@pytest.fixture
def metrics() -> Iterator[Metrics]:
    metrics = Metrics(namespace=NAMESPACE, service="processor")
    yield metrics
    metrics.clear_metrics()


def test_the_usage_header_is_parsed() -> None:
    assert parse_api_usage("api-usage=18/15000") == ApiUsage(used=18, limit=15000)


def test_the_usage_header_with_per_app_usage_is_parsed() -> None:
    header = "api-usage=25/5000; per-app-api-usage=17/250(appName=leadrelay)"
    assert parse_api_usage(header) == ApiUsage(used=25, limit=5000)


def test_a_missing_usage_header_is_none() -> None:
    assert parse_api_usage(None) is None


@pytest.fixture
def reported() -> list[ApiUsage]:
    """What the gateway reported through ``on_api_usage``."""
    return []


@pytest.fixture
def reporting_gateway(
    jwt_credentials: SalesforceCredentials, http: requests.Session, reported: list[ApiUsage]
) -> SimpleSalesforceGateway:
    return SimpleSalesforceGateway(jwt_credentials, http=http, on_api_usage=reported.append)


def test_usage_is_reported_once_per_write_with_the_latest_figures(
    local_org: LocalOrg, reporting_gateway: SimpleSalesforceGateway, reported: list[ApiUsage]
) -> None:
    gateway = reporting_gateway
    local_org.daily_api_limit = 100_000
    gateway.write(_upserts(450))
    assert reported == [ApiUsage(used=3, limit=100_000)]
    assert gateway.api_usage == ApiUsage(used=3, limit=100_000)


def test_usage_is_published_as_leadrelay_metrics(
    local_org: LocalOrg, jwt_credentials: SalesforceCredentials, http: requests.Session, metrics: Metrics
) -> None:
    gateway = SimpleSalesforceGateway(jwt_credentials, http=http, on_api_usage=api_usage_publisher(metrics))
    gateway.write(_upserts(3))
    gateway.find("Lead", "LR_External_Key__c", ["hubspot:1"], ["LastName"])
    emf: dict[str, Any] = dict(metrics.serialize_metric_set())
    assert emf["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "LeadRelay"
    assert emf["SalesforceApiUsed"] == [1.0, 2.0]
    assert emf["SalesforceApiLimit"] == [15000.0, 15000.0]


def test_usage_is_reported_even_when_the_request_is_refused_for_the_limit(
    local_org: LocalOrg, reporting_gateway: SimpleSalesforceGateway, reported: list[ApiUsage]
) -> None:
    local_org.daily_api_limit = 0
    (result,) = reporting_gateway.write(_upserts(1))
    assert not result.success
    assert reported == [ApiUsage(used=1, limit=0)]
