"""Alerts to Slack too: an incoming webhook whose URL is a secret, beside the Salesforce notification.

A local stand-in for Slack's incoming webhook (HTTP on 127.0.0.1: 200 ``ok`` for a JSON ``text``, or a
failure on demand) receives what the SLA monitor sends through the real HTTP client; the URL comes from
the secrets file (Secrets Manager in AWS), never from the environment.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import pytest

from tests.sla.conftest import SATO, Monitor, open_mql

STARTED = datetime(2026, 11, 20, 19, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
SECRET = "leadrelay/slack"


class SlackStandIn(BaseHTTPRequestHandler):
    """Slack's incoming webhook: records each JSON body, answers ``status``."""

    received: ClassVar[list[dict[str, Any]]] = []
    status: ClassVar[int] = 200

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append(body)
        self.send_response(self.status)
        self.end_headers()
        self.wfile.write(b"ok" if self.status == 200 else b"no_service")

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def slack(monitor: Monitor, tmp_path: Path) -> Iterator[Monitor]:
    """The monitor configured with a Slack webhook secret pointing at the stand-in."""
    SlackStandIn.received, SlackStandIn.status = [], 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlackStandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/services/T000/B000/XXXX"
    secrets = tmp_path / "secrets.json"
    secrets.write_text(json.dumps({SECRET: {"slack_webhook_url": url}}), encoding="utf-8")
    yield monitor.configured(slack_secret_name=SECRET, secrets_file=secrets)
    server.shutdown()


def test_a_breach_is_posted_to_slack_as_well_as_notified_in_salesforce(slack: Monitor) -> None:
    open_mql(slack.org, STARTED)

    slack.run(STARTED + timedelta(hours=49))

    assert [note.recipient_id for note in slack.org.notifications] == [SATO]
    (message,) = SlackStandIn.received
    assert message["text"].startswith("*SLA 違反: 対応期限を過ぎました* 山田 太郎 (株式会社サンプル商事)")


def test_slack_being_down_neither_stops_the_salesforce_alert_nor_the_write(slack: Monitor) -> None:
    SlackStandIn.status = 500
    lead_id = open_mql(slack.org, STARTED)

    counts = slack.run(STARTED + timedelta(hours=49))

    assert len(slack.org.notifications) == 1
    assert counts["leads_written"] == 1
    assert (slack.org.record("Lead", lead_id) or {})["LR_SLA_Status__c"] == "Breached"
