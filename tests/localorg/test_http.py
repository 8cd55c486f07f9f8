"""HTTP/1.1 as real clients speak it: chunked bodies, keep-alive, Salesforce's URI and header limits, and
the first calls a client makes (userinfo, identity, versions, resources, query column metadata)."""

from __future__ import annotations

import http.client
import json
import ssl
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pytest
from leadrelay_tools.localorg import LocalOrg

from tests.localorg.payloads import jwt_assertion

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


@pytest.fixture
def conn(local_org: LocalOrg) -> Iterator[http.client.HTTPSConnection]:
    """One keep-alive TLS connection to the org, trusting its CA."""
    url = urlsplit(local_org.url)
    tls = ssl.create_default_context(cafile=local_org.ca_file)
    connection = http.client.HTTPSConnection(url.hostname or "", url.port, context=tls, timeout=10)
    yield connection
    connection.close()


def _call(
    conn: http.client.HTTPSConnection, method: str, path: str, org: LocalOrg | None = None, **kw: Any
) -> tuple[int, Any]:
    headers = dict(kw.pop("headers", {}))
    if org is not None:
        headers["Authorization"] = f"Bearer {org.session_id}"
    conn.request(method, path, headers=headers, **kw)
    response = conn.getresponse()
    raw = response.read()
    is_json = "json" in (response.getheader("Content-Type") or "")
    return response.status, json.loads(raw) if is_json else raw.decode()


def test_a_token_request_with_a_chunked_body_is_read(
    local_org: LocalOrg, conn: http.client.HTTPSConnection
) -> None:
    form = urlencode({"grant_type": JWT_GRANT, "assertion": jwt_assertion(local_org)}).encode()
    chunks = iter([form[:40], form[40:]])  # an iterable body: http.client sends Transfer-Encoding: chunked
    headers = {"Content-Type": "application/x-www-form-urlencoded"}

    status, body = _call(conn, "POST", "/services/oauth2/token", body=chunks, headers=headers)

    assert status == 200, body
    assert body["instance_url"] == local_org.url


def test_one_connection_serves_many_requests(local_org: LocalOrg, conn: http.client.HTTPSConnection) -> None:
    statuses, reused = [], []
    for _ in range(3):
        conn.request(
            "GET", "/services/data/v62.0/limits", headers={"Authorization": f"Bearer {local_org.session_id}"}
        )
        response = conn.getresponse()
        response.read()
        statuses.append(response.status)
        reused.append(not response.will_close)

    assert statuses == [200, 200, 200]
    assert reused == [True, True, True]  # no "Connection: close": the TLS connection stays open


def test_a_uri_over_16_kb_is_refused_with_414(local_org: LocalOrg, conn: http.client.HTTPSConnection) -> None:
    soql = "SELECT Id FROM Lead WHERE Email = '" + "a" * 16_400 + "@example.co.jp'"

    status, _ = _call(conn, "GET", "/services/data/v62.0/query?q=" + quote(soql), local_org)

    assert status == 414


def test_uri_and_headers_over_16_kb_together_are_refused_with_431(
    local_org: LocalOrg, conn: http.client.HTTPSConnection
) -> None:
    soql = "SELECT Id FROM Lead WHERE Email = '" + "a" * 9_000 + "@example.co.jp'"
    headers = {"X-Trace": "t" * 8_000}

    status, _ = _call(conn, "GET", "/services/data/v62.0/query?q=" + quote(soql), local_org, headers=headers)

    assert status == 431


def test_a_uri_just_under_the_limit_is_served(local_org: LocalOrg, conn: http.client.HTTPSConnection) -> None:
    soql = "SELECT Id FROM Lead WHERE Email = '" + "a" * 15_000 + "@example.co.jp'"

    status, body = _call(conn, "GET", "/services/data/v62.0/query?q=" + quote(soql), local_org)

    assert (status, body["totalSize"]) == (200, 0)


def test_userinfo_names_the_user_behind_the_token(
    local_org: LocalOrg, conn: http.client.HTTPSConnection
) -> None:
    status, body = _call(conn, "GET", "/services/oauth2/userinfo", local_org)

    assert status == 200
    assert body["user_id"] == local_org.integration_user_id
    assert body["preferred_username"] == local_org.jwt_credentials().username
    assert body["organization_id"].startswith("00D")


def test_userinfo_without_a_session_is_401(conn: http.client.HTTPSConnection) -> None:
    status, body = _call(conn, "GET", "/services/oauth2/userinfo")

    assert status == 401
    assert body[0]["errorCode"] == "INVALID_SESSION_ID"


def test_the_identity_url_of_a_token_answers_like_userinfo(
    local_org: LocalOrg, conn: http.client.HTTPSConnection
) -> None:
    _, resources = _call(conn, "GET", "/services/data/v62.0", local_org)

    status, body = _call(conn, "GET", urlsplit(resources["identity"]).path, local_org)

    assert status == 200
    assert body["username"] == local_org.jwt_credentials().username


def test_versions_and_resources_are_listed(local_org: LocalOrg, conn: http.client.HTTPSConnection) -> None:
    _, versions = _call(conn, "GET", "/services/data")
    _, resources = _call(conn, "GET", "/services/data/v62.0", local_org)

    assert {"label": "Winter '25", "url": "/services/data/v62.0", "version": "62.0"} in versions
    assert resources["query"] == "/services/data/v62.0/query"
    assert resources["sobjects"] == "/services/data/v62.0/sobjects"


def test_columns_true_answers_the_query_column_metadata(
    local_org: LocalOrg, conn: http.client.HTTPSConnection
) -> None:
    local_org.insert("Lead", {"LastName": "山田", "Company": "株式会社サンプル商事"})
    soql = quote("SELECT Id, LastName, LR_Fit_Score__c FROM Lead")

    status, body = _call(conn, "GET", f"/services/data/v62.0/query?columns=true&q={soql}", local_org)

    assert status == 200
    assert body["entityName"] == "Lead"
    assert [c["columnName"] for c in body["columnMetadata"]] == ["Id", "LastName", "LR_Fit_Score__c"]
    assert body["columnMetadata"][2]["custom"] is True
    assert "records" not in body


def test_the_organization_row_is_queryable_and_is_the_org_the_token_names(
    local_org: LocalOrg, conn: http.client.HTTPSConnection
) -> None:
    soql = quote("SELECT Id, Name, IsSandbox, OrganizationType FROM Organization")

    _, result = _call(conn, "GET", f"/services/data/v62.0/query?q={soql}", local_org)
    _, userinfo = _call(conn, "GET", "/services/oauth2/userinfo", local_org)

    assert result["totalSize"] == 1
    assert result["records"][0]["IsSandbox"] is False
    assert result["records"][0]["Id"] == userinfo["organization_id"]


def test_a_malformed_chunked_body_is_a_400_not_a_500(
    local_org: LocalOrg, conn: http.client.HTTPSConnection
) -> None:
    conn.putrequest("POST", "/services/oauth2/token")
    conn.putheader("Transfer-Encoding", "chunked")
    conn.endheaders(b"zz-not-a-chunk-size\r\ngrant_type=x\r\n0\r\n\r\n")
    response = conn.getresponse()

    assert response.status == 400
