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
from leadrelay.rulefiles.bundle import load_rule_bundle
from leadrelay.settings import ProcessorSettings

from leadrelay_tools.cli.demo_deliveries import REFUSED_EMAIL, demo_lines
from leadrelay_tools.cli.demo_reports import export_org, kpi_page, simulate_stricter
from leadrelay_tools.cli.output import format_table
from leadrelay_tools.localorg.notifications import Notification
from leadrelay_tools.replay.environ import quiet_functions
from leadrelay_tools.replay.lines import read_lines
from leadrelay_tools.replay.local import local_environment, read_seed
from leadrelay_tools.replay.runner import Replayer
from leadrelay_tools.replay.verdicts import Row, Verdict

SATO = "005RM0000000002YAA"
"""佐藤 花子, the first rep of the east pool: on leave during the demo."""
NOTIFICATION_TYPE = "LeadRelay_Alert"


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
    people: dict[str, str] = field(default_factory=dict)
    """The org's users by id: the terminal shows owners and alert recipients by name."""


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
        lines += demo_lines(secret, now, len(lines) + 1)
        replayer = Replayer(settings, overrides=overrides)
        # the business card and the refused lead arrive in a later batch, after 山田's keys were stamped
        replayer.replay(lines[:-2])
        rows = replayer.replay(lines[-2:])  # every row so far
        leads = [_lead(record) for record in env.org.records("Lead")]
        alerts = [_alert(n) for n in env.org.state.notifications]
        people = {user["Id"]: user["Name"] for user in env.org.records("User")}
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
        people=people,
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
    """The whole hand-off for the terminal: one short section per thing that happened, owners and
    alert recipients by name."""
    counts = ", ".join(f"{count} {outcome.replace('_', '-')}" for outcome, count in demo.outcomes.items())
    lead_names = {str(lead["id"]): str(lead["lead"]) for lead in demo.leads}
    dropped, letters = demo.dropped, demo.dead_letters
    leads = [{**lead, "owner": demo.people.get(str(lead["owner"]), lead["owner"])} for lead in demo.leads]
    return "\n".join(
        [
            "The whole hand-off (examples/replay.jsonl and the demo's webhooks through the webhook, "
            "Salesforce events and processor functions; moto and a local org in this process): "
            f"{counts}\n",
            format_table(leads, LEAD_COLUMNS, max_width=48),
            "",
            *_section(
                "Routed MQLs",
                [
                    f"{lead['lead']}: {_named(lead['routing'], demo.people)}, "
                    f"first contact due {lead['sla due']}"
                    for lead in demo.leads
                    if lead["routing"]
                ],
            ),
            *_section(
                "Alerts sent (Salesforce custom notifications)",
                [
                    f"to {_named(alert['to'], demo.people)} about "
                    f"{_named(alert['about'], lead_names)}: {alert['title']}"
                    for alert in demo.alerts
                ],
            ),
            *_section(
                "Duplicates",
                [
                    f"{lead['lead']} → {lead_names.get(str(lead['duplicate_of']), '?')} "
                    f"({lead['duplicate_of']}): {lead['match']}"
                    for lead in demo.duplicates
                ],
                empty="none found",
            ),
            *_section("Dropped", [f"line {row['line']} {row['source']}: {row['reason']}" for row in dropped]),
            *_section("Dead letters", [f"line {r['line']} {r['event']}: {r['reason']}" for r in letters]),
            "Written: " + ", ".join(f"{name} {path}" for name, path in demo.reports.items()),
        ]
    )


def _section(title: str, lines: list[str], *, empty: str = "none") -> list[str]:
    """``title: none`` when nothing happened, else the title and one indented line per thing."""
    return [f"{title}:", *(f"  {line}" for line in lines)] if lines else [f"{title}: {empty}"]


def _named(text: object, names: Mapping[str, str]) -> str:
    """``text`` with every id in ``names`` replaced by its name."""
    named = str(text)
    for record_id, name in names.items():
        named = named.replace(record_id, name)
    return named
