"""How ``rules explain`` shows one decision: who, the matched rules, the scores, the stage move, why not."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from leadrelay.engine.decision import Decision
from leadrelay.engine.misses import Misses
from leadrelay.rulefiles.rulecases import format_points

from leadrelay_tools.cli.output import print_json, print_table

DEFAULT_RULES = Path("rules")


def load_rule_set(path: Path, *, as_json: bool) -> Any:
    """``load_rules(path)``, or None after printing every problem (the caller exits 1)."""
    from leadrelay import RuleSetError, load_rules

    try:
        return load_rules(path)
    except RuleSetError as error:
        if as_json:
            print_json({"ok": False, "diagnostics": [d.to_dict() for d in error.diagnostics]})
        else:
            print(str(error))
        return None


@dataclass(frozen=True)
class LeadFile:
    """A lead file (``examples/leads/*.json``, ``explain`` input): the context and, optionally, ``now``."""

    path: Path
    context: dict[str, Any]
    now: datetime | None = None
    lead: dict[str, Any] = field(default_factory=dict)


def lead_name(lead: dict[str, Any]) -> str:
    """``山田 太郎`` for Japanese names (family name first), ``Emily Carter`` otherwise."""
    last, first = str(lead.get("LastName") or ""), str(lead.get("FirstName") or "")
    japanese = any(ord(ch) > 0x3000 for ch in last + first)
    parts = (last, first) if japanese else (first, last)
    return " ".join(part for part in parts if part) or str(lead.get("Id") or "(no name)")


def _values(values: dict[str, Any]) -> str:
    return ", ".join(
        f"{path}={json.dumps(value, ensure_ascii=False, default=str)}" for path, value in values.items()
    )


def stage_move(decision: Decision) -> str:
    """``Lead → MQL → SQL``, ``MQL → Nurture [ENGAGEMENT_DECAYED]``, or ``Lead (no change)``."""
    if not decision.transitions:
        return f"{decision.stage} (no change)"
    steps = [decision.previous_stage]
    for transition in decision.transitions:
        reason = f" [{transition.reason_code}]" if transition.reason_code else ""
        steps.append(transition.to_stage + reason)
    return " → ".join(steps)


def print_explanation(lead_file: LeadFile, now: datetime, decision: Decision) -> None:
    """The admin's view of one decision: who, the rule table, the scores and the stage."""
    lead = lead_file.lead
    who = " · ".join(str(part) for part in (lead_name(lead), lead.get("Company"), lead.get("Title")) if part)
    print(f"{who}  [{lead.get('Id', '-')}]")
    print(f"evaluated at {now.isoformat()} with rule set {decision.ruleset_version}\n")
    rows = [
        {
            "score": hit.score,
            "rule": hit.rule_id,
            "points": format_points(hit.points),
            "why": hit.detail,
            "values read": _values(dict(hit.values)),
        }
        for hit in decision.trace or ()
    ]
    if rows:
        print_table(rows, ["score", "rule", "points", "why", "values read"])
    else:
        print("(no scoring rule matched)")
    print()
    print("scores: " + ", ".join(f"{name} {value}" for name, value in decision.scores.items()))
    print(f"stage:  {stage_move(decision)}")
    for transition in decision.transitions:
        reason = f" [{transition.reason_code}]" if transition.reason_code else ""
        move = f"{transition.from_stage} → {transition.to_stage}{reason}"
        print(f"  {transition.rule_id}: {move}  {_values(dict(transition.values))}")


def print_misses(misses: Misses) -> None:
    """Why not: the stage moves not taken and the scoring rules that gave nothing, each with its reason."""
    if misses.transitions:
        print("\nwhy not:")
        for miss in misses.transitions:
            print(f"  {miss.rule_id} ({miss.from_stage} → {miss.to_stage}):")
            for reason in miss.reasons:
                print(f"    {reason}")
    if misses.rules:
        print("\nrules that gave nothing:")
        for rule in misses.rules:
            print(f"  {rule.rule_id}: {rule.reason}")
