"""The SLA monitor's actions go to the decision log — each reminder, breach and escalation with the policy
and timer that ran out, its business-calendar deadline, the status and owner it left and the alert sent —
one object per run in the processor's bucket (moto) or directory, and `leadrelay why` prints them.

End to end: the scheduled function's handler on its own graph (tests/sla/conftest.py), the local org
over HTTPS, the alert ledger and the bucket in moto.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import pytest
from leadrelay.domain.decision_log import DecisionLogError
from leadrelay_tools.cli.main import main

from tests.sla.conftest import SATO, SUZUKI, Monitor, open_mql

TOKYO = ZoneInfo("Asia/Tokyo")
FRIDAY_EVENING = datetime(2026, 11, 20, 19, 0, tzinfo=TOKYO)
BUCKET = "leadrelay-decision-log-123456789012"


def logged(log: Path) -> list[dict[str, Any]]:
    """Every entry under ``log``'s partitions, by object."""
    return [
        json.loads(line)
        for path in sorted(log.glob("decisions/dt=*/*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]


def why(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["why", *args])
    return code, capsys.readouterr().out


def download(bucket: str, into: Path) -> Path:
    """The bucket's decision log copied into a directory (``aws s3 sync``)."""
    s3 = boto3.client("s3")
    for item in s3.list_objects_v2(Bucket=bucket, Prefix="decisions/").get("Contents", []):
        path = into / item["Key"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read())
    return into


@pytest.fixture
def with_bucket(monitor: Monitor) -> Monitor:
    """The monitor as deployed: ``LEADRELAY_DECISION_LOG_BUCKET`` names the processor's bucket."""
    boto3.client("s3").create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"}
    )
    return monitor.configured(decision_log_bucket=BUCKET)


def test_a_breach_is_one_encrypted_object_of_the_run_with_its_deadline_and_alert(
    with_bucket: Monitor, tmp_path: Path
) -> None:
    lead_id = open_mql(with_bucket.org, FRIDAY_EVENING)
    now = FRIDAY_EVENING + timedelta(hours=49)

    with_bucket.run(now)

    s3 = boto3.client("s3")
    [stored] = s3.list_objects_v2(Bucket=BUCKET, Prefix="decisions/dt=2026-11-22/")["Contents"]
    assert stored["Key"].startswith("decisions/dt=2026-11-22/sla-")
    assert s3.head_object(Bucket=BUCKET, Key=stored["Key"])["ServerSideEncryption"] == "aws:kms"
    remind, breach = logged(download(BUCKET, tmp_path))
    assert (remind["event_type"], breach["event_type"]) == ("sla_remind", "sla_breach")
    assert breach["record_id"] == lead_id
    assert breach["event_source"] == "sla_monitor"
    assert breach["event_key"] == f"sla:{lead_id}/sla.first_contact/breach/20261120T100000Z"
    assert breach["logged_at"].startswith("2026-11-22T11:00:00")  # the run's time, passed in
    assert breach["ruleset_version"]
    assert breach["sla"] | {"started_at": None} == {
        "policy_id": "sla.first_contact",
        "timer_id": "breach",
        "action": "breach",
        "started_at": None,
        "deadline": "2026-11-22T19:00:00+09:00",  # 48 calendar hours, counted in 佐藤's time zone
        "time_zone": "Asia/Tokyo",
        "status": "Breached",
        "owner_id": SATO,
        "new_owner_id": None,
        "alert_to": SATO,
        "alert_kind": "sla_breach",
        "notified": "sent",
    }
    assert remind["sla"]["alert_to"] is None  # the late reminder was folded into the breach alert
    assert "LR_SLA_Breached_At__c" in breach["written"]


def test_why_prints_the_breach_and_the_escalation_to_the_manager_who_takes_the_lead(
    monitor: Monitor, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def reassign(sla: dict[str, Any]) -> None:
        sla["policies"][0]["timers"][2]["reassign"] = True

    log = tmp_path / "log"
    logging = monitor.with_rules(tmp_path, reassign).configured(decision_log_dir=log)
    lead_id = open_mql(monitor.org, FRIDAY_EVENING)
    logging.run(FRIDAY_EVENING + timedelta(hours=49))
    logging.run(FRIDAY_EVENING + timedelta(hours=73))

    code, out = why(capsys, lead_id, "--log", str(log), "--json")
    _, table = why(capsys, lead_id, "--log", str(log))

    changes = json.loads(out)["changes"]
    assert code == 0
    assert [change["rules"] for change in changes] == [
        ["sla.first_contact/remind"],
        ["sla.first_contact/breach"],
        ["sla.first_contact/escalate"],
    ]
    escalation = changes[-1]
    assert escalation["owner"] == f"{SUZUKI} (escalated from {SATO})"
    assert escalation["sla"] == (
        "escalate, due 2026-11-23 19:00 Asia/Tokyo; status Escalated; "
        f"sla_escalation alert to {SUZUKI} (sent)"
    )
    assert "breach, due 2026-11-22 19:00 Asia/Tokyo; status Breached" in table
    assert "sla_monitor sla_escalate" in table


def test_a_second_run_logs_nothing_more(monitor: Monitor, tmp_path: Path) -> None:
    log = tmp_path / "log"
    logging = monitor.configured(decision_log_dir=log)
    open_mql(monitor.org, FRIDAY_EVENING)
    logging.run(FRIDAY_EVENING + timedelta(hours=49))

    counts = logging.run(FRIDAY_EVENING + timedelta(hours=49, minutes=15))

    assert counts["leads_written"] == 0
    assert len(list(log.glob("decisions/dt=*/*.jsonl"))) == 1


def test_a_run_whose_log_fails_writes_nothing_and_the_next_run_logs_the_alert_as_sent_before(
    monitor: Monitor, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lead_id = open_mql(monitor.org, FRIDAY_EVENING)
    now = FRIDAY_EVENING + timedelta(hours=49)

    with pytest.raises(DecisionLogError, match="NoSuchBucket"):
        monitor.configured(decision_log_bucket="no-such-bucket").run(now)

    assert monitor.org.record("Lead", lead_id)["LR_SLA_Status__c"] == "On Track"  # type: ignore[index]
    log = tmp_path / "log"
    monitor.configured(decision_log_dir=log).run(now + timedelta(minutes=15))
    assert monitor.org.record("Lead", lead_id)["LR_SLA_Status__c"] == "Breached"  # type: ignore[index]
    [notified] = [entry["sla"]["notified"] for entry in logged(log) if entry["event_type"] == "sla_breach"]
    assert notified == "sent_before"  # told once, by the run whose log failed
    assert len(monitor.org.notifications) == 1
