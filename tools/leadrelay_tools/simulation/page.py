"""A simulation's summary for people: a terminal report and one self-contained HTML page with charts."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from leadrelay_tools.cli.output import print_table
from leadrelay_tools.reports.html import Page, bars, distributions, funnel
from leadrelay_tools.simulation.summary import Summary

CHANGED_COLUMNS = ("id", "name", "stage", "scores", "owner", "rules")
LOAD_COLUMNS = ("owner", "before", "after", "change")
CAPS_NOTE = (
    "Pools distribute by their strategy from a fresh state for each rule set; daily and open caps are not "
    "applied (every lead is simulated at one instant)."
)


def headline(summary: Summary) -> dict[str, Any]:
    """The numbers an admin reads first."""
    mqls = summary.mqls
    return {
        "leads": summary.people,
        f"{summary.routed_stage} before": mqls["before"],
        f"{summary.routed_stage} after": mqls["after"],
        "change": f"{mqls['after'] - mqls['before']:+d}",
        "leads that change": len(summary.changed),
    }


def print_report(summary: Summary, stream: TextIO | None = None, *, limit: int = 50) -> None:
    """The headline, then the leads that change (the first ``limit``), load per rep, and the skipped lines."""
    out = stream or sys.stdout

    def write(text: str) -> None:
        out.write(text + "\n")

    figures = headline(summary)
    write(
        f"baseline {summary.baseline_version} → proposed {summary.proposed_version} at {summary.now}: "
        + ", ".join(f"{label} {value}" for label, value in figures.items())
    )
    if summary.changed:
        write(f"\nLeads that change ({len(summary.changed)}; first {min(limit, len(summary.changed))}):")
        print_table(summary.changed[:limit], CHANGED_COLUMNS, stream, max_width=60)
    if summary.load_per_rep:
        write("\nLeads routed now, per owner:")
        print_table(_load_rows(summary.load_per_rep), LOAD_COLUMNS, stream)
        write(CAPS_NOTE)
    for line in summary.skipped[:20]:
        write(f"  skipped {line}")
    if len(summary.skipped) > 20:
        write(f"  … {len(summary.skipped) - 20} more lines skipped")


def html_report(summary: Summary) -> str:
    """One page: the headline, each score's distribution, the funnel, load per rep and the changed leads."""
    page = Page(f"leadrelay rules simulate: {summary.baseline_version} → {summary.proposed_version}")
    page.note(f"Both rule sets evaluated on the same {summary.people} leads at {summary.now}.")
    page.tiles(headline(summary))
    page.heading("Funnel")
    stages = list(dict.fromkeys([*summary.stages["before"], *summary.stages["after"]]))
    page.chart(
        "funnel",
        funnel(
            "Leads per stage",
            stages,
            {side: [summary.stages[side].get(stage, 0) for stage in stages] for side in ("before", "after")},
        ),
    )
    page.heading("Score distributions")
    for index, (name, counts) in enumerate(summary.distributions.items()):
        width = counts["bands"][1] - counts["bands"][0] if len(counts["bands"]) > 1 else 10
        labels = [f"{low}–{low + width - 1}" for low in counts["bands"]]
        series = {side: counts[side] for side in ("before", "after")}
        page.chart(
            f"score-{index}-{_slug(name)}", distributions(f"{name}: leads per band", labels, series, x=name)
        )
    if summary.load_per_rep:
        page.heading("Load per rep")
        owners = list(summary.load_per_rep)
        loads = {side: [summary.load_per_rep[o][side] for o in owners] for side in ("before", "after")}
        page.chart("load-per-rep", bars("Leads routed now, per owner", owners, loads, y="leads"))
        page.note(CAPS_NOTE)
    page.heading(f"Leads that change ({len(summary.changed)})")
    page.table(summary.changed, CHANGED_COLUMNS)
    if summary.skipped:
        page.heading(f"Lines skipped ({len(summary.skipped)})")
        page.table([{"line": line} for line in summary.skipped], ("line",))
    return page.render()


def _load_rows(load: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    return [
        {"owner": owner, **counts, "change": f"{counts['after'] - counts['before']:+d}"}
        for owner, counts in load.items()
    ]


def _slug(name: str) -> str:
    return "".join(c if c.isascii() and c.isalnum() else "-" for c in name.lower()).strip("-") or "score"
