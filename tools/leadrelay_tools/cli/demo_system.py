"""`leadrelay demo`, the whole hand-off: the examples' deliveries through the real functions, on one machine.

moto stands in for AWS and the local org for Salesforce, started in this process. The examples'
deliveries (``examples/replay.jsonl``: a signed HubSpot batch, a Marketo webhook and its retry, a
platform event, change events, one of them caused by leadrelay's own write) and the demo's own — 山田
太郎 attending two seminars and viewing the pricing page (he becomes an MQL while 佐藤, the first rep of
his pool, is on leave), the same person from a business card spelled in katakana with another e-mail,
and a new lead whose create the org's validation rule refuses — go through the webhook, Salesforce
events and processor handlers exactly as Lambda runs them (``leadrelay_tools.replay``). Then it reads
back what happened: scores and reasons, duplicates, owners with their SLA due times and the alerts
sent, the dropped self-caused change, the dead letter with its class and owner.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from leadrelay.adapters.alert_ledger import InMemoryAlertLedger
from leadrelay.adapters.salesforce.notifications import SalesforceNotifier
from leadrelay.bootstrap import Overrides
from leadrelay.bootstrap import salesforce as salesforce_root
from leadrelay.ingress.signatures import generic_signature
from leadrelay.rulefiles.bundle import load_rule_bundle
from leadrelay.settings import ProcessorSettings

from leadrelay_tools.cli.demo_reports import export_org, kpi_page, simulate_stricter
from leadrelay_tools.cli.output import format_table
from leadrelay_tools.localorg.notifications import Notification
from leadrelay_tools.replay.environ import quiet_functions
from leadrelay_tools.replay.lines import Line, WebhookLine, read_lines
from leadrelay_tools.replay.local import local_environment, read_seed
from leadrelay_tools.replay.runner import Replayer
from leadrelay_tools.replay.verdicts import Row, Verdict

SATO = "005RM0000000002YAA"
"""佐藤 花子, the first rep of the east pool: on leave during the demo."""
NOTIFICATION_TYPE = "LeadRelay_Alert"
REFUSED_EMAIL = "kenji.nakamura@osaka-finance.co.jp"
HOST = "hooks.leadrelay-demo.jp"


@dataclass
class SystemDemo:
    """What the whole hand-off left behind."""

    leads: list[dict[str, Any]]
    duplicates: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    dropped: list[dict[str, Any]]
    dead_letters: list[dict[str, Any]]
    outcomes: dict[str, int]
    reports: dict[str, str] = field(default_factory=dict)


def demo_lines(examples: Path, secret: str, at: datetime, first_number: int) -> Iterator[Line]:
    """The demo's own deliveries: generic signed webhooks, received at ``at`` onwards."""
    deliveries = [
        [
            _event(
                "demo-seminar-1", "seminar_attended", at - timedelta(days=1), "taro.yamada@sample-shoji.co.jp"
            ),
            _event(
                "demo-seminar-2", "seminar_attended", at - timedelta(days=2), "taro.yamada@sample-shoji.co.jp"
            ),
            _event(
                "demo-pricing-1",
                "page_view",
                at - timedelta(hours=2),
                "taro.yamada@sample-shoji.co.jp",
                url="https://www.leadrelay-demo.jp/pricing",
            ),
            _event(
                "demo-pricing-2",
                "page_view",
                at - timedelta(hours=1),
                "taro.yamada@sample-shoji.co.jp",
                url="https://www.leadrelay-demo.jp/pricing",
            ),
        ],
        [
            _event(
                "demo-card-1",
                "form_submitted",
                at,
                "t.yamada@sample-shoji.co.jp",
                fields={
                    "LastName": "ヤマダ",
                    "FirstName": "タロウ",
                    "Company": "㈱サンプル商事",
                    "Phone": "03-1234-5678",
                    "Title": "営業本部長",
                },
            ),
        ],
        [
            _event(
                "demo-refused-1",
                "form_submitted",
                at,
                REFUSED_EMAIL,
                fields={"LastName": "中村", "FirstName": "健二", "Company": "大阪ファイナンス株式会社"},
            ),
        ],
    ]
    for offset, events in enumerate(deliveries):
        received = at + timedelta(seconds=offset)
        body = json.dumps({"events": events}, ensure_ascii=False, separators=(",", ":"))
        stamp = int(received.timestamp())
        headers = {
            "Host": HOST,
            "Content-Type": "application/json",
            "X-Leadrelay-Timestamp": str(stamp),
            "X-Leadrelay-Signature": generic_signature(secret, stamp, body.encode()),
        }
        line = WebhookLine(
            provider="generic", path="/webhooks/generic", headers=headers, body=body, received_at=received
        )
        yield Line(first_number + offset, line)


def _event(
    key: str,
    kind: str,
    at: datetime,
    email: str,
    *,
    url: str | None = None,
    fields: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "id": key,
        "type": kind,
        "occurred_at": at.isoformat(),
        "email": email,
        "attributes": {"url": url} if url else {},
        "fields": dict(fields or {}),
    }


def run_system_demo(rules: Path, examples: Path, out_dir: Path, *, now: datetime) -> SystemDemo:
    """Replay the examples and the demo's deliveries through the functions; read back what happened."""
    seed = read_seed(examples / "replay-seed.json")
    seed["OutOfOffice"] = [
        {
            "UserId": SATO,
            "StartDate": (now - timedelta(days=1)).isoformat(),
            "EndDate": (now + timedelta(days=6)).isoformat(),
            "IsEnabled": True,
            "Message": "休暇中です (12/8 に戻ります)",
        }
    ]
    secrets = examples / "replay-secrets.json"
    secret = json.loads(secrets.read_text(encoding="utf-8"))["leadrelay/webhooks"]["generic"]
    with (
        quiet_functions(verbose=False),
        local_environment(rules_path=rules, secrets_file=secrets, seed=seed) as env,
    ):
        env.org.faults.target("Email", REFUSED_EMAIL, message="中村様のリードは審査中のため作成できません")
        settings = env.settings.model_copy(update={"decision_log_dir": out_dir / "decision-log"})
        ownership = load_rule_bundle(rules).ownership
        gateway = salesforce_root.salesforce_gateway(ProcessorSettings.of(settings), ownership)
        overrides = Overrides(
            alert_ledger=InMemoryAlertLedger(), notifier=SalesforceNotifier(gateway, NOTIFICATION_TYPE)
        )
        lines = list(read_lines(examples / "replay.jsonl"))
        lines += demo_lines(examples, secret, now, len(lines) + 1)
        replayer = Replayer(settings, overrides=overrides)
        # the business card and the refused lead arrive in a later batch, after 山田's keys were stamped
        replayer.replay(lines[:-2])
        rows = replayer.replay(lines[-2:])  # every row so far
        leads = [_lead(record) for record in env.org.records("Lead")]
        alerts = [_alert(n) for n in env.org.state.notifications]
        reports = {"decision log": str(out_dir / "decision-log")}
        reports["export"] = str(export_org(settings, rules, out_dir / "export.jsonl", now))
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.outcome.value] = counts.get(row.outcome.value, 0) + 1
    return SystemDemo(
        leads=leads,
        duplicates=[
            *matched(out_dir / "decision-log"),
            *(lead for lead in leads if lead.get("duplicate_of")),
        ],
        alerts=alerts,
        dropped=[_row(r) for r in rows if r.outcome is Verdict.DROPPED],
        dead_letters=[_row(r) for r in rows if r.outcome in (Verdict.DEAD_LETTERED, Verdict.FAILED)],
        outcomes=counts,
        reports={
            **reports,
            "simulation": str(simulate_stricter(rules, out_dir, now)),
            "KPIs": str(kpi_page(rules, out_dir, now)),
        },
    )


def matched(log_dir: Path) -> Iterator[dict[str, Any]]:
    """The events the processor attached to an existing person, with the comparison that decided it
    (the ``dedup`` entries of the decision log's reasons)."""
    for path in sorted(log_dir.glob("decisions/dt=*/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            for reason in entry["reasons"]:
                if reason["score"] == "dedup" and reason["rule_id"].endswith(".match"):
                    yield {
                        "lead": entry["event_key"],
                        "duplicate_of": entry["record_id"],
                        "match": reason["detail"],
                    }


def _lead(record: Mapping[str, Any]) -> dict[str, Any]:
    reasons = str(record.get("LR_Score_Reasons__c") or "").splitlines()
    return {
        "id": record.get("Id"),
        "lead": " ".join(str(record[k]) for k in ("LastName", "FirstName") if record.get(k)),
        "company": record.get("Company"),
        "fit": record.get("LR_Fit_Score__c"),
        "engagement": record.get("LR_Engagement_Score__c"),
        "stage": record.get("LR_Lifecycle_Stage__c"),
        "owner": record.get("OwnerId"),
        "routing": record.get("LR_Routing_Reason__c"),
        "sla due": record.get("LR_SLA_Due_At__c"),
        "reasons": "; ".join(line.split(" (", 1)[0] for line in reasons[:2]),
        "duplicate_of": record.get("LR_Potential_Duplicate__c"),
        "match": record.get("LR_Match_Reasons__c"),
    }


def _alert(notification: Notification) -> dict[str, Any]:
    return {"to": notification.recipient_id, "about": notification.target_id, "title": notification.title}


def _row(row: Row) -> dict[str, Any]:
    return {
        "line": row.line,
        "source": row.source,
        "outcome": row.outcome.value,
        "event": row.key or row.event,
        "reason": row.reason,
    }


LEAD_COLUMNS = ("lead", "company", "fit", "engagement", "stage", "owner", "sla due", "reasons")


def format_system_demo(demo: SystemDemo) -> str:
    """The whole hand-off for the terminal: one short section per thing that happened."""
    routed = [lead for lead in demo.leads if lead["routing"]]
    counts = ", ".join(f"{count} {outcome.replace('_', '-')}" for outcome, count in demo.outcomes.items())
    parts = [
        "The whole hand-off (examples/replay.jsonl and the demo's webhooks through the webhook, Salesforce "
        f"events and processor functions; moto and a local org in this process): {counts}\n",
        format_table(demo.leads, LEAD_COLUMNS, max_width=48),
    ]
    parts.append("\nRouted MQLs: " + ("none" if not routed else ""))
    parts += [
        f"  {lead['lead']}: {lead['routing']}, first contact due {lead['sla due']}"
        for lead in demo.leads
        if lead["routing"]
    ]
    parts.append("Alerts sent (Salesforce custom notifications): " + ("none" if not demo.alerts else ""))
    parts += [f"  to {alert['to']} about {alert['about']}: {alert['title']}" for alert in demo.alerts]
    parts.append("Duplicates: " + ("none found" if not demo.duplicates else ""))
    parts += [f"  {lead['lead']} → {lead['duplicate_of']}: {lead['match']}" for lead in demo.duplicates]
    parts.append("Dropped: " + ("none" if not demo.dropped else ""))
    parts += [f"  line {row['line']} {row['source']}: {row['reason']}" for row in demo.dropped]
    parts.append("Dead letters: " + ("none" if not demo.dead_letters else ""))
    parts += [f"  line {row['line']} {row['event']}: {row['reason']}" for row in demo.dead_letters]
    parts.append("Written: " + ", ".join(f"{name} {path}" for name, path in demo.reports.items()))
    return "\n".join(parts)
