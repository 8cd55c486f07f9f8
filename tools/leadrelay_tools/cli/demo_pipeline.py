"""`leadrelay demo`, second part: the sample leads' activities through the whole pipeline, locally.

The local org (a stand-in for tests and demos, not Salesforce) starts in this process and is seeded with
the sample leads; each sample's activities become canonical events and run through the processor's
pipeline — identity lookups, activity store (in memory), rules, write plan, the real simple-salesforce
gateway — exactly as the Lambda function runs them. What the org then holds is printed: scores, stage
and reasons per lead, and any dead letters. Nothing needs AWS or a Salesforce org.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from leadrelay.adapters.decision_log import DirectoryDecisionLog
from leadrelay.bootstrap import Overrides
from leadrelay.domain.events import ActivityType, CanonicalEvent, EventKind, EventSource, Identity
from leadrelay.pipeline import InboundMessage

from leadrelay_tools.cli.explanation import LeadFile, lead_name
from leadrelay_tools.cli.output import format_table
from leadrelay_tools.local_pipeline import InMemoryDeadLetters, local_pipeline, seed_record
from leadrelay_tools.localorg import LocalOrg
from leadrelay_tools.replay.environ import quiet_functions

LEAD_COLUMNS = ("lead", "company", "fit", "engagement", "stage", "reasons")
LETTER_COLUMNS = ("event", "error", "class", "owner", "message")
NOT_SEEDED = frozenset({"Id", "IsConverted", "ConvertedOpportunityId", "ConvertedContactId", "ConvertedDate"})
"""System-maintained fields a sample may show but nobody can set."""
_ACTIVITY_KEYS = frozenset({"id", "type", "occurred_at", "source"})


@dataclass(frozen=True)
class PipelineDemo:
    """What the pipeline left in the local org, and what it cost."""

    leads: list[dict[str, Any]]
    dead_letters: list[dict[str, Any]]
    outcomes: dict[str, int]
    api_calls: int
    notes: list[str] = dataclasses.field(default_factory=list)
    """Per sample: a value the org could not take, or a record it refused (the lead is then missing)."""
    unseeded: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    """Per lead name: the system-maintained fields its sample sets that the org's copy cannot have."""
    decision_log: str | None = None
    """The directory the pipeline's decisions were logged to (``leadrelay why`` reads it)."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``leadrelay demo --json``)."""
        return dataclasses.asdict(self)


def sample_events(sample: LeadFile) -> list[CanonicalEvent]:
    """The sample's activities as the canonical events an MA tool's webhooks would have produced
    (identified by e-mail, as MA tools identify people)."""
    email = sample.lead.get("Email")
    events = []
    for index, activity in enumerate(sample.context.get("activities", [])):
        kind = activity.get("type")
        source = activity.get("source")
        events.append(
            CanonicalEvent(
                idempotency_key=str(activity.get("id") or f"{sample.path.stem}:{index}"),
                kind=EventKind.ACTIVITY,
                type=kind if kind in ActivityType._value2member_map_ else ActivityType.OTHER.value,
                source=source if source in EventSource._value2member_map_ else EventSource.GENERIC,
                occurred_at=activity["occurred_at"],
                identity=Identity(email=email),
                attributes={k: v for k, v in activity.items() if k not in _ACTIVITY_KEYS},
            )
        )
    return events


def run_pipeline_demo(
    samples: Sequence[LeadFile], rules_path: Path, *, now: datetime, decision_log: Path | None = None
) -> PipelineDemo:
    """Seed a local org with the samples' leads, run their activities through the pipeline, read back
    (the decisions logged under ``decision_log`` when given)."""
    notes: list[str] = []
    unseeded: dict[str, list[str]] = {}
    with LocalOrg() as org:
        for sample in samples:
            fields = {k: v for k, v in sample.lead.items() if k not in NOT_SEEDED and v is not None}
            dropped = sorted(k for k in NOT_SEEDED - {"Id"} if sample.lead.get(k) not in (None, False))
            if dropped:
                unseeded[lead_name(sample.lead)] = dropped
            _, problems = seed_record(org, "Lead", fields)
            notes.extend(f"{sample.path.name}: {problem}" for problem in problems)
        dead_letters = InMemoryDeadLetters()
        log = DirectoryDecisionLog(decision_log) if decision_log is not None else None
        seams = Overrides(clock=lambda: now, sleep=lambda _: None, decision_log=log)
        pipeline = local_pipeline(org, rules_path, dead_letters=dead_letters, overrides=seams)
        events = [event for sample in samples for event in sample_events(sample)]
        messages = [InboundMessage(f"demo-{i}", e.model_dump_json()) for i, e in enumerate(events)]
        with quiet_functions(verbose=False):  # the functions' JSON logs are not the demo's output
            report = pipeline.run(messages, remaining=lambda: 60.0)
        leads = [_lead_row(record) for record in org.records("Lead")]
        calls = org.api_calls.total
    return PipelineDemo(
        leads=leads,
        dead_letters=[_letter_row(letter.model_dump(mode="json")) for letter in dead_letters.letters],
        outcomes={outcome.value: count for outcome, count in report.counts().items()},
        api_calls=calls,
        notes=notes,
        unseeded=unseeded,
        decision_log=None if decision_log is None else str(decision_log),
    )


def _lead_row(record: Mapping[str, Any]) -> dict[str, Any]:
    reasons = str(record.get("LR_Score_Reasons__c") or "").splitlines()
    return {
        "lead": lead_name(dict(record)),
        "id": record.get("Id"),
        "company": record.get("Company"),
        "fit": record.get("LR_Fit_Score__c"),
        "engagement": record.get("LR_Engagement_Score__c"),
        "stage": record.get("LR_Lifecycle_Stage__c"),
        "mql_at": record.get("LR_MQL_At__c"),
        "reasons": "; ".join(line.split(" (", 1)[0] for line in reasons[:2]),
    }


def _letter_row(letter: Mapping[str, Any]) -> dict[str, Any]:
    event = letter.get("event") or {}
    return {
        "event": event.get("idempotency_key", "(unreadable)"),
        "error": letter["error"]["status_code"],
        "class": letter["error_class"],
        "owner": letter["owner"],
        "message": letter["error"]["message"],
    }


def format_pipeline_demo(demo: PipelineDemo) -> str:
    """The leads table, the dead letters (or "none") and the cost, for the terminal."""
    counts = ", ".join(f"{count} {outcome.replace('_', '-')}" for outcome, count in demo.outcomes.items())
    parts = [
        f"Through the pipeline (local org in this process, activities in memory): {counts}; "
        f"{demo.api_calls} Salesforce API calls\n",
        format_table(demo.leads, LEAD_COLUMNS, max_width=70),
        "\nDead letters: " + ("none" if not demo.dead_letters else ""),
    ]
    if demo.dead_letters:
        parts.append(format_table(demo.dead_letters, LETTER_COLUMNS, max_width=70))
    if demo.notes:
        parts.append("\nSample values the org could not take:\n" + "\n".join(f"  {n}" for n in demo.notes))
    if demo.decision_log and demo.leads:
        example = demo.leads[0]["id"]
        story = f"`leadrelay why {example}` tells a lead's story"
        parts.append(f"\nDecisions logged in {demo.decision_log}: {story}")
    return "\n".join(parts)
