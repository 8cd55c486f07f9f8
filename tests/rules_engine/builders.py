"""Small builders for rule documents and contexts, so each test states only what it is about."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from leadrelay.engine import Decision, RuleSet, build_rule_set

JST = timezone(timedelta(hours=9))
NOW = datetime(2026, 11, 21, 9, 0, tzinfo=JST)

SCORES: dict[str, Any] = {
    "fit": {"label": "属性スコア (Fit)", "floor": 0, "ceiling": 60},
    "engagement": {"label": "行動スコア (Engagement)", "floor": 0, "ceiling": 100},
}

STAGES: list[dict[str, Any]] = [
    {"name": "Lead", "rank": 0},
    {"name": "MQL", "rank": 1},
    {"name": "SQL", "rank": 2},
    {"name": "Opportunity", "rank": 3},
    {"name": "Customer", "rank": 4},
    {"name": "Nurture", "rank": 0},
    {"name": "Recycled", "rank": 0},
]

BANT = [
    {"field": f"lead.LR_{name}_Confirmed__c", "op": "eq", "value": True}
    for name in ("Budget", "Authority", "Need", "Timeline")
]

TRANSITIONS: list[dict[str, Any]] = [
    {
        "id": "lifecycle.mql",
        "from": ["Lead", "Nurture", "Recycled"],
        "to": "MQL",
        "when": {
            "all": [
                {"field": "scores.fit", "op": "gte", "value": 30},
                {"field": "scores.engagement", "op": "gte", "value": 50},
            ]
        },
    },
    {"id": "lifecycle.sql_bant", "from": ["MQL"], "to": "SQL", "when": {"at_least": 2, "of": BANT}},
    {
        "id": "lifecycle.mql_to_nurture",
        "from": ["MQL"],
        "to": "Nurture",
        "reason_code": "ENGAGEMENT_DECAYED",
        "when": {"field": "scores.engagement", "op": "lt", "value": 20},
    },
]


def scoring_doc(*rules: dict[str, Any], scores: dict[str, Any] | None = None) -> dict[str, Any]:
    """A scoring document with the standard fit/engagement scores unless told otherwise."""
    return {
        "$schema": "./schema/scoring.schema.json",
        "kind": "scoring",
        "scores": copy.deepcopy(SCORES if scores is None else scores),
        "rules": list(rules),
    }


def lifecycle_doc(transitions: list[dict[str, Any]] | None = None, **overrides: Any) -> dict[str, Any]:
    """The documented lifecycle (Lead → MQL → SQL …) unless told otherwise."""
    document: dict[str, Any] = {
        "$schema": "./schema/lifecycle.schema.json",
        "kind": "lifecycle",
        "current_stage": "lead.LR_Lifecycle_Stage__c",
        "initial": "Lead",
        "stages": copy.deepcopy(STAGES),
        "transitions": copy.deepcopy(TRANSITIONS if transitions is None else transitions),
    }
    document.update(overrides)
    return document


def rule_set(
    *rules: dict[str, Any],
    transitions: list[dict[str, Any]] | None = None,
    scores: dict[str, Any] | None = None,
) -> RuleSet:
    """Compile scoring rules (and optionally transitions) through the real builder."""
    return build_rule_set(
        ("rules/scoring.json", scoring_doc(*rules, scores=scores)),
        ("rules/lifecycle.json", lifecycle_doc(transitions)),
    )


def context(lead: Any = None, activities: Any = None, event: Any = None) -> dict[str, Any]:
    """An evaluation context; a lead defaults to 山田 太郎 of 株式会社サンプル商事."""
    return {
        "lead": {"LastName": "山田", "FirstName": "太郎", "Company": "株式会社サンプル商事"}
        if lead is None
        else lead,
        "activities": [] if activities is None else activities,
        "event": {} if event is None else event,
    }


def evaluate(ruleset: RuleSet, *, now: datetime = NOW, trace: bool = True, **parts: Any) -> Decision:
    """Evaluate ``ruleset`` on a context built from ``parts`` (lead=, activities=, event=)."""
    return ruleset.evaluate(context(**parts), now=now, trace=trace)


def holds(condition: dict[str, Any], *, now: datetime = NOW, **parts: Any) -> bool:
    """Whether ``condition`` holds for the context, via a one-rule rule set."""
    probe = rule_set({"id": "probe", "score": "fit", "when": condition, "points": 1})
    return evaluate(probe, now=now, trace=False, **parts).scores["fit"] == 1


def write_rules(directory: Path, scoring: Any = None, lifecycle: Any = None) -> Path:
    """Write a rule set as files (documents, or raw text for broken JSON) and return the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, document in (("scoring.json", scoring), ("lifecycle.json", lifecycle)):
        if document is None:
            document = scoring_doc() if name == "scoring.json" else lifecycle_doc()
        text = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False, indent=2)
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def minutes_ago(minutes: float, now: datetime = NOW) -> str:
    """An ISO timestamp ``minutes`` before ``now``."""
    return (now - timedelta(minutes=minutes)).isoformat()


def days_ago(days: float, now: datetime = NOW) -> str:
    """An ISO timestamp ``days`` before ``now``."""
    return (now - timedelta(days=days)).isoformat()
