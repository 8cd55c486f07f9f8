"""The README's first command tells the whole hand-off: the examples' deliveries through the real handlers
on moto and a local org — an MQL routed past a rep on leave with its SLA due time and alert, the
self-caused change dropped, the refused write dead-lettered with its owner, and the reports written."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from leadrelay_tools.cli.demo_system import SATO, SystemDemo, run_system_demo
from leadrelay_tools.reports.html import charts_in

pytestmark = pytest.mark.slow  # the whole hand-off end to end: the gate runs it, the inner loop does not

ROOT = Path(__file__).resolve().parents[2]
SUZUKI = "005RM0000000003YAA"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> SystemDemo:
    out = tmp_path_factory.mktemp("demo")
    return run_system_demo(ROOT / "rules", ROOT / "examples", out, now=datetime.now(UTC))


def lead(demo: SystemDemo, name: str) -> dict[str, object]:
    return next(row for row in demo.leads if row["lead"] == name)


def test_the_mql_goes_past_the_rep_on_leave_with_its_sla_due_time(demo: SystemDemo) -> None:
    yamada = lead(demo, "山田 太郎")

    assert (yamada["stage"], yamada["owner"]) == ("MQL", SUZUKI)
    assert f"skipped {SATO} away" in str(yamada["routing"])
    assert yamada["sla due"]


def test_the_new_owner_is_alerted_once(demo: SystemDemo) -> None:
    assert [(alert["to"], alert["about"]) for alert in demo.alerts] == [
        (SUZUKI, lead(demo, "山田 太郎")["id"])
    ]


def test_leadrelays_own_change_comes_back_and_is_dropped(demo: SystemDemo) -> None:
    assert [row["reason"] for row in demo.dropped] == ["changeOrigin names client=leadrelay"]


def test_the_refused_write_is_a_dead_letter_with_its_class_and_owner(demo: SystemDemo) -> None:
    [letter] = demo.dead_letters
    assert letter["event"] == "generic:demo-refused-1"
    assert "FIELD_CUSTOM_VALIDATION_EXCEPTION" in letter["reason"]
    assert "owner: salesforce_admin" in letter["reason"]


def test_the_decision_log_export_and_simulation_page_are_written(demo: SystemDemo) -> None:
    assert list(Path(demo.reports["decision log"]).glob("decisions/dt=*/*.jsonl"))
    assert Path(demo.reports["export"]).read_text(encoding="utf-8").startswith('{"kind":"export"')
    assert "funnel" in charts_in(Path(demo.reports["simulation"]).read_text(encoding="utf-8"))


def test_the_business_card_in_katakana_joins_yamadas_lead_instead_of_making_one(demo: SystemDemo) -> None:
    [card] = demo.duplicates

    assert card["lead"] == "generic:demo-card-1"
    assert card["duplicate_of"] == lead(demo, "山田 太郎")["id"]
    assert "match" in str(card["match"])
    assert "ヤマダ タロウ" not in {row["lead"] for row in demo.leads}


def test_the_kpi_page_charts_the_mql_the_demo_made(demo: SystemDemo) -> None:
    charts = charts_in(Path(demo.reports["KPIs"]).read_text(encoding="utf-8"))

    assert charts


def test_the_readmes_first_command_runs_in_a_fresh_process_and_again_tells_one_runs_story(
    tmp_path: Path,
) -> None:
    """As ``make demo`` runs it: a fresh interpreter imports leadrelay before the local org's TLS helpers,
    so the stand-ins of ``leadrelay.deferred_modules`` are in place when trustme imports cryptography.
    Run again into the same directory, it reads back its own decisions, not the first run's too."""
    command = [sys.executable, "-m", "leadrelay_tools.cli.main", "demo", "--rules", str(ROOT / "rules")]
    command += ["--examples", str(ROOT / "examples" / "leads"), "--output", str(tmp_path)]
    command += ["--decision-log", str(tmp_path / "decision-log")]
    runs = [
        subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)  # noqa: S603
        for _ in range(2)
    ]
    for done in runs:
        assert done.returncode == 0, done.stderr[-3000:]
        assert "Routed MQLs:" in done.stdout
    assert runs[1].stdout.count("generic:demo-card-1 → 山田 太郎") == 1
