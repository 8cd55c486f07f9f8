"""`leadrelay rules simulate`: a proposed rule change against the baseline, on the same exported leads at
the same instant — the MQL count before and after, every lead that changes and why, load per rep, score
distributions — in the terminal, as JSON and as one HTML page. Nothing is written but the page."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from leadrelay_tools.cli.main import main
from leadrelay_tools.export_format import header_line, person_line, user_line
from leadrelay_tools.reports.html import charts_in
from leadrelay_tools.simulation.baseline import rules_with_thresholds

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
SATO, SUZUKI = "005RM0000000002YAA", "005RM0000000003YAA"


def lead(index: int, name: str, company: str, state: str, **fields: Any) -> dict[str, Any]:
    """A Lead at fit 40 (営業本部長, 350 employees, 卸売業) in ``state`` unless told otherwise."""
    last, first = name.split()
    return {
        "Id": f"00QRM{index:010d}AAA",
        "LastName": last,
        "FirstName": first,
        "Company": company,
        "Title": "営業本部長",
        "NumberOfEmployees": 350,
        "Industry": "卸売業",
        "State": state,
        "LR_Lifecycle_Stage__c": "Lead",
        "OwnerId": "00GRM0000000001AAA",
        **fields,
    }


def seminars(count: int, days_ago: int = 1) -> list[dict[str, Any]]:
    """``count`` seminars attended, the latest ``days_ago`` days before NOW (about 20 points each)."""
    return [
        {
            "id": f"seminar-{days_ago}-{n}",
            "type": "seminar_attended",
            "occurred_at": (NOW - timedelta(days=days_ago + n)).isoformat(),
            "source": "account_engagement",
        }
        for n in range(count)
    ]


def pricing_views(count: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"pricing-{n}",
            "type": "page_view",
            "occurred_at": (NOW - timedelta(hours=n + 1)).isoformat(),
            "source": "hubspot",
            "url": "https://www.sample-saas.jp/pricing",
        }
        for n in range(count)
    ]


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """Four leads: 山田 far above the MQL line (engagement 69), 佐藤 just above it (54), 鈴木 below (20), and
    高橋 in Osaka (69, the west pool)."""
    lines = [
        header_line(NOW, org="https://local.example"),
        person_line(
            "Lead", lead(1, "山田 太郎", "株式会社サンプル商事", "東京都"), seminars(2) + pricing_views(2)
        ),
        person_line(
            "Lead", lead(2, "佐藤 花子", "ミライ製作所株式会社", "神奈川県"), seminars(2) + pricing_views(1)
        ),
        person_line("Lead", lead(3, "鈴木 一郎", "北海道ロジスティクス株式会社", "北海道"), seminars(1)),
        person_line(
            "Lead",
            lead(4, "高橋 健", "グリーンエナジー大阪株式会社", "大阪府"),
            seminars(2) + pricing_views(2),
        ),
        user_line({"Id": SATO, "IsActive": True, "TimeZoneSidKey": "Asia/Tokyo"}),
        user_line({"Id": SUZUKI, "IsActive": True, "TimeZoneSidKey": "Asia/Tokyo"}),
    ]
    path = tmp_path / "export.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def stricter(tmp_path: Path) -> Path:
    """The shipped rules with the MQL engagement threshold raised from 50 to 60 (one line)."""
    return rules_with_thresholds(RULES, tmp_path / "proposed", mql_engagement=60)


def git(repo: Path, *args: str) -> None:
    subprocess.run([str(shutil.which("git")), "-C", str(repo), *args], check=True)  # noqa: S603


def simulate(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main(["rules", "simulate", *(str(a) for a in args)])
    out, err = capsys.readouterr()
    return code, out, err


def as_json(
    capsys: pytest.CaptureFixture[str], export: Path, proposed: Path, *more: str | Path
) -> dict[str, Any]:
    code, out, _ = simulate(
        capsys, "--baseline", RULES, "--rules", proposed, "--input", export, "--json", *more
    )
    assert code == 0
    return dict(json.loads(out))


def test_identical_rule_sets_change_nothing(export: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = as_json(capsys, export, RULES, "--workers", "1")

    assert result["changed"] == []
    assert result["mqls"]["before"] == result["mqls"]["after"]


def test_a_higher_threshold_names_the_leads_it_drops_from_mql_and_why(
    export: Path, stricter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = as_json(capsys, export, stricter, "--workers", "1")

    dropped = {row["name"]: row for row in result["changed"]}
    assert result["mqls"]["after"] < result["mqls"]["before"]
    assert "佐藤 花子" in dropped
    assert dropped["佐藤 花子"]["stage"] == "MQL → Lead"
    assert "lifecycle.mql no longer moves Lead → MQL" in dropped["佐藤 花子"]["rules"]
    assert "山田 太郎" not in dropped  # far above either line


def test_the_owner_a_dropped_lead_would_have_had_is_taken_off_that_reps_load(
    export: Path, stricter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = as_json(capsys, export, stricter, "--workers", "1")

    before = sum(counts["before"] for counts in result["load_per_rep"].values())
    after = sum(counts["after"] for counts in result["load_per_rep"].values())
    assert before - after == result["entering"]["before"] - result["entering"]["after"] > 0
    assert set(result["load_per_pool"]) <= {"inside_sales_east", "inside_sales_west"}


@pytest.mark.slow  # volume: several worker processes / a thousand records
def test_two_workers_report_exactly_what_one_does(
    export: Path, stricter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = as_json(capsys, export, stricter, "--workers", "1")
    two = as_json(capsys, export, stricter, "--workers", "2")

    assert one == two


def test_the_html_page_charts_carry_the_numbers_of_the_summary(
    export: Path, stricter: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "simulation.html"
    result = as_json(capsys, export, stricter, "--workers", "1", "--html", page)

    text = page.read_text(encoding="utf-8")
    charts = charts_in(text)
    funnel = {
        trace["name"]: dict(zip(trace["y"], trace["x"], strict=True)) for trace in charts["funnel"]["data"]
    }
    assert funnel["before"]["MQL"] == result["mqls"]["before"]
    assert funnel["after"]["MQL"] == result["mqls"]["after"]
    engagement = next(c for name, c in charts.items() if name.endswith("engagement"))
    assert [trace["y"] for trace in engagement["data"]] == [
        result["distributions"]["engagement"]["before"],
        result["distributions"]["engagement"]["after"],
    ]
    assert 'src="http' not in text  # opens without network access


def test_the_terminal_report_leads_with_the_mql_counts(
    export: Path, stricter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = simulate(
        capsys, "--baseline", RULES, "--rules", stricter, "--input", export, "--workers", "1"
    )

    assert code == 0
    assert "MQL before 3, MQL after 2" in out.splitlines()[0]
    assert "佐藤 花子" in out


def test_a_git_ref_is_a_baseline(export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(RULES, repo / "rules")
    git(repo, "init", "-q")
    git(repo, "add", "rules")
    git(repo, "-c", "user.name=admin", "-c", "user.email=admin@example.co.jp", "commit", "-qm", "as deployed")
    lifecycle = json.loads((repo / "rules/lifecycle.json").read_text(encoding="utf-8"))
    lifecycle["thresholds"]["mql_engagement"] = 60
    (repo / "rules/lifecycle.json").write_text(json.dumps(lifecycle, ensure_ascii=False), encoding="utf-8")

    code, out, _ = simulate(
        capsys, "--baseline", "HEAD", "--rules", repo / "rules", "--input", export, "--workers", "1", "--json"
    )

    assert code == 0
    assert json.loads(out)["mqls"] == {"before": 3, "after": 2}


def test_a_bad_line_is_named_and_skipped(export: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with export.open("a", encoding="utf-8") as more:
        more.write('{"kind": "person", "sobject": "Lead", "record": {}}\n{not json\n')

    result = as_json(capsys, export, RULES, "--workers", "1")

    assert result["people"] == 4
    assert result["skipped"] == [
        "line 8: /id: Field required",
        "line 9: not JSON (Expecting property name enclosed in double quotes at column 2)",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--baseline", "no-such-ref"), "'no-such-ref' is neither a directory nor a git ref"),
        (("--baseline", str(RULES), "--now", "2026-11-20T09:00"), "needs a time zone"),
    ],
)
def test_user_mistakes_get_a_sentence(
    export: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, out, err = simulate(capsys, *args, "--input", export)

    assert code == 2
    assert message in err
    assert "Traceback" not in out + err


def test_a_missing_export_gets_a_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = simulate(capsys, "--baseline", RULES, "--input", tmp_path / "export.jsonl")

    assert code == 2
    assert "no such export file" in err
