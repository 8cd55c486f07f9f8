"""The Salesforce CLI itself against the local org: access-token login, ``sf data query``, ``sf org display``.

Runs with the pinned CLI that ``make salesforce-cli`` installs in ``infra/salesforce/node_modules``
(``make test`` installs it first); skipped otherwise. The CLI keeps its state in a temporary ``HOME``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from leadrelay_tools.localorg import LocalOrg

SF = Path(__file__).resolve().parents[2] / "infra" / "salesforce" / "node_modules" / ".bin" / "sf"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("node") is None or not SF.exists(),
        reason="the Salesforce CLI is not installed (make salesforce-cli)",
    ),
]


def _sf(org: LocalOrg, home: Path, *args: str) -> str:
    env = {
        **os.environ,
        "HOME": str(home),
        "NODE_EXTRA_CA_CERTS": org.ca_file,
        "SF_ACCESS_TOKEN": org.session_id,
        "SF_DISABLE_TELEMETRY": "true",
        "SF_AUTOUPDATE_DISABLE": "true",
        "SF_SKIP_NEW_VERSION_CHECK": "true",
    }
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [str(SF), *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_cli_logs_in_by_access_token_and_queries_leads(local_org: LocalOrg, tmp_path: Path) -> None:
    local_org.insert("Lead", {"LastName": "山田", "Company": "株式会社サンプル商事"})
    login = ["org", "login", "access-token", "--instance-url", local_org.url, "--no-prompt", "--alias", "lo"]

    logged_in = json.loads(_sf(local_org, tmp_path, *login, "--json"))
    rows = _sf(
        local_org, tmp_path, "data", "query", "--target-org", "lo", "--query", "SELECT LastName FROM Lead"
    )

    assert logged_in["result"]["username"] == local_org.jwt_credentials().username
    assert logged_in["result"]["orgId"].startswith("00D")
    assert "山田" in rows
    assert "Total number of records retrieved: 1." in rows
