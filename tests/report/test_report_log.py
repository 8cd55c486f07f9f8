"""`leadrelay report` over the decision log: the November cohort of tests/report/support.py, its KPIs in
the terminal, as JSON and on the HTML page's charts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from leadrelay_tools.cli.main import main
from leadrelay_tools.reports.html import charts_in

from tests.report.support import SATO, SUZUKI, november, sla_monitor_runs

NOVEMBER = ("--since", "2026-11-01", "--until", "2026-11-30")


@pytest.fixture
def log(tmp_path: Path) -> Path:
    return november(tmp_path / "log")


def report(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main(["report", *(str(arg) for arg in args)])
    out, err = capsys.readouterr()
    return code, out, err


def as_json(capsys: pytest.CaptureFixture[str], log: Path, *args: str) -> dict[str, Any]:
    code, out, _ = report(capsys, "--log", log, *NOVEMBER, "--json", *args)
    assert code == 0
    payload: dict[str, Any] = json.loads(out)
    return payload


def test_the_cohort_is_the_leads_that_entered_mql_in_the_period(
    log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    total = as_json(capsys, log)["total"]
    assert (total["mqls"], total["sqls"], total["won"]) == (4, 2, 1)  # not 渡辺 (MQL in October), not 伊藤
    assert (total["mql_to_sql_rate"], total["sql_to_won_rate"]) == (0.5, 0.5)


def test_time_to_first_contact_runs_from_mql_to_the_first_completed_task(
    log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    total = as_json(capsys, log)["total"]
    assert total["contacted"] == 3
    assert (total["first_contact_mean_hours"], total["first_contact_median_hours"]) == (34.0, 24.0)


def test_sla_compliance_counts_contacts_within_48_hours_against_ended_slas(
    log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    total = as_json(capsys, log)["total"]
    assert (total["sla_met"], total["sla_breached"], total["sla_compliance_rate"]) == (2, 2, 0.5)


def test_a_lead_still_inside_its_deadline_is_not_judged_yet(
    log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    total = as_json(capsys, log, "--until", "2026-11-18")["total"]  # 高橋's MQL day: 48 h not over
    assert (total["mqls"], total["sla_met"], total["sla_breached"]) == (4, 2, 1)


@pytest.mark.parametrize("by", ["week", "source", "rep"])
def test_the_sla_monitors_reminders_breaches_and_reassignments_change_no_kpi(
    log: Path, capsys: pytest.CaptureFixture[str], by: str
) -> None:
    before = as_json(capsys, log, "--by", by)

    sla_monitor_runs(log)

    assert len(list(log.glob("decisions/dt=*/sla-*.jsonl"))) == 2
    assert as_json(capsys, log, "--by", by) == before  # no second MQL, contact or rep for 鈴木花子, 高橋美咲


@pytest.mark.parametrize(
    ("by", "rows"),
    [
        ("week", {"2026-11-09": (2, 2), "2026-11-16": (2, 0)}),
        ("month", {"2026-11": (4, 2)}),
        ("source", {"hubspot": (2, 1), "marketo": (2, 1)}),
        ("rep", {SATO: (2, 1), SUZUKI: (2, 1)}),
    ],
)
def test_rows_split_the_cohort_by_mql_week_month_source_or_rep(
    log: Path, capsys: pytest.CaptureFixture[str], by: str, rows: dict[str, tuple[int, int]]
) -> None:
    found = as_json(capsys, log, "--by", by)["rows"]
    assert {row["group"]: (row["mqls"], row["sqls"]) for row in found} == rows


def test_the_table_shows_rates_as_percentages(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = report(capsys, "--log", log, *NOVEMBER, "--by", "rep")
    assert code == 0
    assert "4 MQLs from 2026-11-01 to 2026-11-30 (JST), by rep" in out
    assert "50.0 %" in out
    assert SATO in out


def test_the_page_draws_the_funnel_it_counts(
    log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "kpis.html"
    report(capsys, "--log", log, *NOVEMBER, "--html", page)
    [funnel] = charts_in(page.read_text(encoding="utf-8"))["funnel"]["data"]
    assert (funnel["y"], funnel["x"]) == (["MQL", "SQL", "won"], [4, 2, 1])


def test_the_page_draws_the_weekly_trend(
    log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "kpis.html"
    report(capsys, "--log", log, *NOVEMBER, "--html", page)
    charts = charts_in(page.read_text(encoding="utf-8"))
    volume = {bar["name"]: (bar["x"], bar["y"]) for bar in charts["weekly-volume"]["data"]}
    rates = {line["name"]: line["y"] for line in charts["weekly-rates"]["data"]}
    assert volume == {
        "MQLs": (["2026-11-09", "2026-11-16"], [2, 2]),
        "SQLs": (["2026-11-09", "2026-11-16"], [2, 0]),
    }
    assert rates == {"MQL→SQL %": [100.0, 0.0], "SLA compliance %": [50.0, 50.0]}


def test_a_single_week_is_one_labelled_week_not_a_stretched_date_axis(
    log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "kpis.html"
    report(capsys, "--log", log, "--since", "2026-11-16", "--until", "2026-11-22", "--html", page)

    charts = charts_in(page.read_text(encoding="utf-8"))

    for name in ("weekly-volume", "weekly-rates"):
        assert charts[name]["layout"]["xaxis"]["type"] == "category"
        assert {tuple(series["x"]) for series in charts[name]["data"]} == {("2026-11-16",)}


def test_the_page_needs_no_network(log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "kpis.html"
    report(capsys, "--log", log, *NOVEMBER, "--html", page)
    assert "<script src=" not in page.read_text(encoding="utf-8")


def test_rules_without_a_first_contact_policy_leave_sla_compliance_unavailable(
    log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    shipped = Path(__file__).resolve().parents[2] / "rules"
    for path in shipped.glob("*.json"):
        if path.name != "sla.json":
            (rules / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (rules / "schema").symlink_to(shipped / "schema")
    code, out, _ = report(capsys, "--log", log, *NOVEMBER, "--rules", rules)
    assert code == 0
    assert "n/a: SLA compliance is not available: the rules have no first-contact SLA policy" in out
