"""What a simulation says: MQL counts, every lead that changes, load per rep and pool, score distributions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from leadrelay_tools.simulation.evaluation import PersonResult, Verdict, band
from leadrelay_tools.simulation.run import Simulation

DEFAULT_ROUTED_STAGE = "MQL"


@dataclass
class Summary:
    """The numbers of a simulation, JSON-ready through :meth:`to_dict`."""

    baseline_version: str
    proposed_version: str
    now: str
    people: int
    routed_stage: str
    mqls: dict[str, int]
    """Leads at the routed stage after evaluation, per side (``before``, ``after``)."""
    entering: dict[str, int]
    """Leads that would enter the routed stage now, per side."""
    stages: dict[str, dict[str, int]]
    """Leads per stage, per side, in the lifecycle's order."""
    changed: list[dict[str, Any]]
    load_per_rep: dict[str, dict[str, int]]
    """Leads routed to each owner now, per side (``{"005…": {"before": 3, "after": 5}}``)."""
    load_per_pool: dict[str, dict[str, int]]
    distributions: dict[str, dict[str, list[int]]]
    """Per score: the bands' labels and each side's counts (``{"fit": {"bands": […], "before": […], …}}``)."""
    skipped: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Everything, for ``--json``."""
        return dict(self.__dict__)


def summarise(simulation: Simulation) -> Summary:
    """Count and compare what both rule sets decided."""
    results = simulation.results
    table = simulation.proposed.routing or simulation.baseline.routing
    routed = table.file.stage if table is not None else DEFAULT_ROUTED_STAGE
    stage_names = list(
        dict.fromkeys([*simulation.baseline.rules.stage_names, *simulation.proposed.rules.stage_names])
    )
    sides = {"before": [r.before for r in results], "after": [r.after for r in results]}
    owners = {"before": simulation.owners_before, "after": simulation.owners_after}
    return Summary(
        baseline_version=simulation.baseline.rules.version,
        proposed_version=simulation.proposed.rules.version,
        now=simulation.now.isoformat(),
        people=len(results),
        routed_stage=routed,
        mqls={side: sum(v.stage == routed for v in verdicts) for side, verdicts in sides.items()},
        entering={side: sum(v.destination is not None for v in verdicts) for side, verdicts in sides.items()},
        stages={
            side: {name: count for name in stage_names if (count := _count(verdicts, name))}
            for side, verdicts in sides.items()
        },
        changed=[_changed(simulation, i) for i, r in enumerate(results) if _differs(simulation, i, r)],
        load_per_rep=_load(sides, owners, 0),
        load_per_pool=_load(sides, owners, 1),
        distributions=_distributions(simulation),
        skipped=simulation.skipped,
    )


def _count(verdicts: list[Verdict], stage: str) -> int:
    return sum(v.stage == stage for v in verdicts)


def _differs(simulation: Simulation, index: int, result: PersonResult) -> bool:
    if simulation.owners_before[index][0] != simulation.owners_after[index][0]:
        return True
    return bool(result.differences) or result.before.stage != result.after.stage


def _changed(simulation: Simulation, index: int) -> dict[str, Any]:
    result = simulation.results[index]
    before, after = result.before, result.after
    scores = sorted(before.scores.keys() | after.scores.keys())
    return {
        "line": result.line,
        "id": result.id,
        "name": result.name,
        "stage": _arrow(before.stage, after.stage),
        "scores": ", ".join(f"{n} {_arrow(before.scores.get(n), after.scores.get(n))}" for n in scores),
        "owner": _arrow(simulation.owners_before[index][0], simulation.owners_after[index][0]),
        "rules": "; ".join(result.differences),
    }


def _arrow(old: Any, new: Any) -> str:
    return f"{old}" if old == new else f"{old} → {new}"


def _load(
    sides: dict[str, list[Verdict]], owners: dict[str, list[tuple[str | None, str | None]]], part: int
) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter[str]] = {}
    for side, verdicts in sides.items():
        counts[side] = Counter(
            str(owner[part])
            for verdict, owner in zip(verdicts, owners[side], strict=True)
            if verdict.destination is not None and owner[part] is not None
        )
    names = sorted(counts["before"].keys() | counts["after"].keys())
    return {name: {side: counts[side][name] for side in ("before", "after")} for name in names}


def _distributions(simulation: Simulation) -> dict[str, dict[str, list[int]]]:
    width = simulation.band_width
    found: dict[str, dict[str, list[int]]] = {}
    names = dict.fromkeys([*simulation.baseline.rules.score_names, *simulation.proposed.rules.score_names])
    for name in names:
        counts = {
            side: Counter(band(getattr(r, side).scores.get(name, 0), width) for r in simulation.results)
            for side in ("before", "after")
        }
        seen = [*counts["before"], *counts["after"]] or [0]
        lows = list(range(min(seen), max(seen) + width, width))
        found[name] = {
            "bands": lows,
            **{side: [count[low] for low in lows] for side, count in counts.items()},
        }
    return found
