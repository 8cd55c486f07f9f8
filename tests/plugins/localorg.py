"""Fixtures for the local Salesforce org: one HTTPS server per test session, reset before each test.

- ``local_org``: a running ``LocalOrg`` with no records but the seeded users, zero counts, no faults.
- ``local_org_client``: the real simple-salesforce client pointed at it (integration user session).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from leadrelay_tools.localorg import LocalOrg
from simple_salesforce.api import Salesforce


@pytest.fixture(scope="session")
def local_org_server() -> Iterator[LocalOrg]:
    """The org's server, started once per test session on a free port."""
    with LocalOrg() as org:
        yield org


@pytest.fixture
def local_org(local_org_server: LocalOrg) -> LocalOrg:
    """The running org, reset to a clean state for this test."""
    local_org_server.reset()
    return local_org_server


@pytest.fixture
def local_org_client(local_org: LocalOrg) -> Salesforce:
    """simple-salesforce's ``Salesforce`` against the local org."""
    return local_org.client()
