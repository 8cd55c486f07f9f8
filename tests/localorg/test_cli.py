"""`leadrelay local-org` starts the stand-in and prints how to reach it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
import requests
from leadrelay_tools.cli.main import main


def test_local_org_help_says_it_is_a_stand_in(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["local-org", "--help"])

    out = capsys.readouterr().out
    assert "not Salesforce" in out
    assert "--faults" in out


def test_a_bad_fault_spec_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["local-org", "--faults", "lokc=0.1"]) == 2
    assert "lokc=0.1" in capsys.readouterr().out


@pytest.mark.slow  # a fresh interpreter process
def test_local_org_serves_until_interrupted() -> None:
    command = [sys.executable, "-m", "leadrelay_tools.cli.main", "local-org", "--json", "--faults", "seed=3"]
    env = {**os.environ, "PYTHONUNBUFFERED": ""}  # the CLI itself must flush what it prints
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)  # noqa: S603 - our CLI
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.rstrip() == "}":
                break
        details = json.loads("".join(lines))
        response = requests.get(
            details["url"] + "/services/data/v62.0/limits",
            headers={"Authorization": "Bearer " + details["session_id"]},
            verify=details["ca_file"],
            timeout=10,
        )
        assert response.status_code == 200
        assert details["url"].startswith("https://127.0.0.1:")
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
