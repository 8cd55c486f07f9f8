"""A second real client, not built on ``requests``: jsforce (the library behind Salesforce's CLI) on node.

It logs in with the JWT bearer flow, reads its identity, creates a Lead and queries it back, over node's own
HTTP/1.1 and TLS stack (keep-alive agent, its own body encoding).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from leadrelay_tools.localorg import LocalOrg

from tests.localorg.payloads import jwt_assertion

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / ".tools"
SCRIPT = Path(__file__).with_name("node") / "jsforce_client.js"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def node_modules() -> Path:
    """``.tools/node_modules`` with jsforce (what ``make tools-node`` installs; installed here if missing)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are not installed: the jsforce contract test needs them")
    if not (TOOLS / "node_modules" / "jsforce").is_dir():
        subprocess.run(  # noqa: S603 - fixed arguments
            ["npm", "install", "--prefix", str(TOOLS), "--no-audit", "--no-fund", "jsforce@3"],  # noqa: S607
            check=True,
            capture_output=True,
            timeout=600,
        )
    return TOOLS / "node_modules"


def _run_jsforce(org: LocalOrg, modules: Path) -> dict[str, Any]:
    assertion = jwt_assertion(org)
    env = {**os.environ, "NODE_PATH": str(modules), "NODE_EXTRA_CA_CERTS": org.ca_file}
    done = subprocess.run(  # noqa: S603 - fixed arguments
        ["node", str(SCRIPT), org.url, assertion],  # noqa: S607
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_jsforce_logs_in_creates_and_queries_a_lead(local_org: LocalOrg, node_modules: Path) -> None:
    result = _run_jsforce(local_org, node_modules)

    assert result["identity"]["user_id"] == local_org.integration_user_id
    assert result["identity"]["username"] == local_org.jwt_credentials().username
    assert result["userinfo"]["preferred_username"] == local_org.jwt_credentials().username
    assert result["created"]["success"] is True
    assert result["totalSize"] == 1
    assert result["records"][0]["Id"] == result["created"]["id"]
    assert result["records"][0]["Company"] == "株式会社サンプル商事"
    assert any(v["version"] == "62.0" for v in result["versions"])
    assert result["organization"][0]["Id"] == result["identity"]["organization_id"]
    assert local_org.record("Lead", result["created"]["id"])["LastName"] == "山田"  # type: ignore[index]
