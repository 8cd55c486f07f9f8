"""A month of decisions about five Japanese leads, written through the real decision-log adapter.

November 2026 (JST), the first-contact SLA of the shipped rules (48 calendar hours):

========  ============  =========  ====================  ==================  ===========
lead      entered MQL   via        first contact          then               SLA
========  ============  =========  ====================  ==================  ===========
山田太郎  Tue 11-10     hubspot →  6 h later             SQL 11-12, won      met
          10:00         佐藤                                   11-25
鈴木花子  Wed 11-11     marketo →  72 h later            SQL 11-16           breached
          10:00         鈴木
佐藤次郎  Tue 11-17     hubspot →  24 h later            —                   met
          10:00         佐藤
高橋美咲  Wed 11-18     marketo →  never                 —                   breached
          10:00         鈴木
伊藤健    —             —          —                     page views only     —
渡辺翔    10-01         hubspot    —                     SQL 11-20           (before the period)
========  ============  =========  ====================  ==================  ===========
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from leadrelay.adapters.decision_log import DirectoryDecisionLog
from leadrelay.domain.decision_log import DecisionEntry, StageMove, routing_reason
from leadrelay.domain.sla import Action
from leadrelay.domain.sla_watch import OpenClock, plan_clock
from leadrelay.pipeline.sla_logging import run_id, sla_entries
from leadrelay.rulefiles.bundle import load_rule_bundle

from tests.pipeline.support import RULES

SATO, SUZUKI, TANAKA = "005RM0000000002YAA", "005RM0000000003YAA", "005RM0000000004YAA"
YAMADA, SUZUKI_HANAKO, SATO_JIRO, TAKAHASHI, ITO, WATANABE = (f"00QRM0000000{n:02d}1AAA" for n in range(1, 7))
_keys = itertools.count(1)
TOKYO = ZoneInfo("Asia/Tokyo")


def jst(day: str, hour: int = 10) -> datetime:
    """``2026-11-10`` at ``hour`` o'clock in Japan, as UTC."""
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+09:00").astimezone(UTC)


def entry(
    record_id: str,
    at: datetime,
    *,
    event_type: str = "page_view",
    source: str = "hubspot",
    move: tuple[str, str] | None = None,
    owner: str | None = None,
) -> DecisionEntry:
    """One decision about ``record_id`` made at ``at`` (an event of ``event_type`` that happened then)."""
    stage_from, stage_to = move or ("MQL", "MQL")
    return DecisionEntry(
        logged_at=at,
        event_key=f"{source}:{next(_keys)}",
        event_source=source,
        event_type=event_type,
        occurred_at=at,
        sobject="Lead",
        record_id=record_id,
        ruleset_version="3f9c0a1b",
        scores={"fit": 40, "engagement": 60},
        stage=stage_to,
        previous_stage=stage_from,
        transitions=[]
        if move is None
        else [StageMove(rule_id=f"lifecycle.{stage_to.lower()}", from_stage=stage_from, to_stage=stage_to)],
        routing=None
        if owner is None
        else routing_reason(owner, "routing.east", "pool inside_sales_east", ()),
    )


def mql(record_id: str, at: datetime, source: str, owner: str) -> DecisionEntry:
    """The decision that made ``record_id`` an MQL and routed it to ``owner``."""
    return entry(record_id, at, source=source, move=("Lead", "MQL"), owner=owner)


def contact(record_id: str, at: datetime) -> DecisionEntry:
    """The owner's completed Task about ``record_id`` (a Salesforce change event)."""
    return entry(record_id, at, event_type="task_completed", source="salesforce")


def november(log_dir: Path) -> Path:
    """The month in the table above, one batch per decision, under ``log_dir``."""
    yamada, hanako, jiro, misaki = jst("2026-11-10"), jst("2026-11-11"), jst("2026-11-17"), jst("2026-11-18")
    entries = [
        entry(WATANABE, jst("2026-10-01"), move=("Lead", "MQL"), owner=SATO),
        entry(ITO, jst("2026-11-05")),
        mql(YAMADA, yamada, "hubspot", SATO),
        contact(YAMADA, yamada + timedelta(hours=6)),
        entry(YAMADA, jst("2026-11-12"), source="salesforce", move=("MQL", "SQL")),
        mql(SUZUKI_HANAKO, hanako, "marketo", SUZUKI),
        contact(SUZUKI_HANAKO, hanako + timedelta(hours=72)),
        entry(SUZUKI_HANAKO, jst("2026-11-16"), source="salesforce", move=("MQL", "SQL")),
        mql(SATO_JIRO, jiro, "hubspot", SATO),
        contact(SATO_JIRO, jiro + timedelta(hours=24)),
        mql(TAKAHASHI, misaki, "marketo", SUZUKI),
        entry(WATANABE, jst("2026-11-20"), source="salesforce", move=("MQL", "SQL")),
        entry(YAMADA, jst("2026-11-24"), source="salesforce", move=("SQL", "Opportunity")),
        entry(YAMADA, jst("2026-11-25"), source="salesforce", move=("Opportunity", "Customer")),
    ]
    log = DirectoryDecisionLog(log_dir)
    for number, one in enumerate(entries):
        log.append([one], batch=f"batch{number:03d}")
    return log_dir


def sla_monitor_runs(log_dir: Path) -> Path:
    """What the SLA monitor logged about the two leads it found untouched: 鈴木花子 and 高橋美咲, each
    reminded, breached and escalated at 72 h to 鈴木's manager 田中, who takes them (an escalation that
    reassigns) — the shipped sla.json, planned and logged by the monitor's own code, one run each."""
    bundle = load_rule_bundle(RULES)
    assert bundle.sla is not None
    assert bundle.routing is not None
    assert bundle.ownership.outputs.sla is not None
    policies = [
        policy.model_copy(
            update={
                "timers": [
                    t.model_copy(update={"reassign": t.action is Action.ESCALATE}) for t in policy.timers
                ]
            }
        )
        for policy in bundle.sla.policies
    ]
    log = DirectoryDecisionLog(log_dir)
    for lead, started in ((SUZUKI_HANAKO, jst("2026-11-11")), (TAKAHASHI, jst("2026-11-18"))):
        now = started + timedelta(hours=73)
        clock = OpenClock(lead, SUZUKI, "MQL", started, "On Track", name="株式会社サンプル商事")
        plan = plan_clock(
            clock,
            policies,
            bundle.ownership.outputs.sla,
            now=now,
            calendar=bundle.routing.calendar,
            tz=TOKYO,
            manager_id=TANAKA,
        )
        assert plan is not None
        entries = sla_entries(
            [plan], bundle.ownership.outputs.sla, now=now, ruleset_version=bundle.rules.version, notified={}
        )
        log.append(entries, batch=run_id(entries))
    return log_dir
