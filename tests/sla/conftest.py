"""The SLA monitor end to end: the function's own graph (bootstrap from settings) against the local org
over HTTPS, the alert ledger in DynamoDB (moto, item operations atomic as DynamoDB's are), the shipped
rules (sla.json: remind at 40 h, breach at 48 h, escalate at 72 h; an SQL decision in 5 business days).

佐藤 (a sales user of the local org) owns the leads; 鈴木 is her manager (``User.ManagerId``).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from leadrelay.bootstrap import Overrides
from leadrelay.bootstrap.sla_monitor import SlaMonitorRuntime, sla_monitor_runtime
from leadrelay.handlers.sla_monitor import handle
from leadrelay.settings import SlaMonitorSettings
from leadrelay_tools.localorg import LocalOrg
from leadrelay_tools.replay.local import write_credentials
from moto import mock_aws

from tests.pipeline.support import RULES, create_routing_table

SATO, SUZUKI = "005RM0000000002YAA", "005RM0000000003YAA"
TABLE = "leadrelay-routing-state"


@dataclass
class Context:
    """The Lambda context the handler reads (time left)."""

    remaining_ms: int = 300_000

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


@dataclass
class Monitor:
    """Builds the monitor as the Lambda does (from settings) at a given time, and runs one pass."""

    org: LocalOrg
    settings: SlaMonitorSettings

    def runtime(self, now: datetime) -> SlaMonitorRuntime:
        return sla_monitor_runtime(self.settings, Overrides(clock=lambda: now))

    def run(self, now: datetime) -> dict[str, Any]:
        """One scheduled invocation at ``now``: a fresh execution environment each time."""
        return handle({"source": "aws.scheduler"}, Context(), self.runtime(now))  # type: ignore[arg-type]

    def configured(self, **values: Any) -> Monitor:
        """The same monitor with other settings (``slack_secret_name=…``)."""
        return Monitor(
            self.org, SlaMonitorSettings.of({**self.settings.model_dump(exclude_none=True), **values})
        )

    def with_rules(self, tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Monitor:
        """The same monitor on a copy of the shipped rules with ``change`` applied to sla.json."""
        rules = tmp_path / "rules"
        shutil.copytree(RULES, rules)
        document = json.loads((rules / "sla.json").read_text(encoding="utf-8"))
        change(document)
        (rules / "sla.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        return self.configured(rules_path=rules)


@pytest.fixture
def monitor(
    local_org: LocalOrg, tmp_path: Path, atomic_dynamodb: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Monitor]:
    """The monitor on the shipped rules, the local org and the routing state table (moto)."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "ap-northeast-1",
    }.items():
        monkeypatch.setenv(name, value)
    local_org.update("User", SATO, {"ManagerId": SUZUKI})
    with mock_aws():
        create_routing_table(boto3.client("dynamodb"), TABLE)
        settings = SlaMonitorSettings.of(
            {
                "rules_path": RULES,
                "routing_table": TABLE,
                "sf_credentials_file": write_credentials(local_org, tmp_path),
                "sf_ca_file": local_org.ca_file,
            }
        )
        yield Monitor(local_org, settings)


def open_mql(org: LocalOrg, started: datetime, *, owner: str = SATO, **fields: Any) -> str:
    """An MQL of 株式会社サンプル商事 routed to ``owner`` at ``started``: its SLA clock running."""
    lead = {
        "LastName": "山田",
        "FirstName": "太郎",
        "Company": "株式会社サンプル商事",
        "Email": "taro.yamada@sample-shoji.co.jp",
        "OwnerId": owner,
        "LR_Lifecycle_Stage__c": "MQL",
        "LR_SLA_Status__c": "On Track",
        "LR_SLA_Started_At__c": started.isoformat(),
        **fields,
    }
    return org.insert("Lead", lead, user_id=org.integration_user_id)
