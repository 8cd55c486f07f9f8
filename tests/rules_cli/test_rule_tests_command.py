"""`leadrelay rules test`: runs rules/tests/*.json and prints a readable diff per failing case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.rules_cli.conftest import CLI, read, write

NOW = "2026-11-20T18:00:00+09:00"


def _case(
    name: str, lead: dict[str, Any], expect: dict[str, Any], activities: list[Any] | None = None
) -> dict[str, Any]:
    return {"name": name, "now": NOW, "lead": lead, "activities": activities or [], "expect": expect}


def _only_tests(rules_dir: Path, *cases: dict[str, Any]) -> Path:
    """Replace the copied test files with one file holding ``cases``."""
    for path in (rules_dir / "tests").glob("*.json"):
        path.unlink()
    return write(rules_dir / "tests" / "cases.json", {"kind": "rule_tests", "cases": list(cases)})


YAMADA = {"LastName": "山田", "FirstName": "太郎", "Company": "株式会社サンプル商事", "Title": "営業部長"}
PRICING_VIEW = {"type": "page_view", "occurred_at": NOW, "url": "https://www.leadrelay-demo.jp/pricing"}


def test_the_shipped_rule_tests_pass(cli: CLI, rules_dir: Path) -> None:
    run = cli("rules", "test", rules_dir)

    assert run.code == 0
    assert "  PASS  fit 30 and engagement 50 make an MQL" in run.out
    assert ", 0 failed (rule set " in run.out


def test_a_failing_case_prints_expected_against_actual(cli: CLI, rules_dir: Path) -> None:
    _only_tests(
        rules_dir,
        _case(
            "営業部長 who viewed pricing is an MQL (wrong on purpose)",
            YAMADA,
            {"scores": {"fit": 13, "engagement": 15}, "stage": "MQL", "matched": ["fit.title", "fit.region"]},
            [PRICING_VIEW],
        ),
    )

    run = cli("rules", "test", rules_dir)

    assert run.code == 1
    assert "  FAIL  営業部長 who viewed pricing is an MQL (wrong on purpose)" in run.out
    assert "scores.fit  expected 13  got 12" in run.out
    assert "stage       expected MQL  got Lead  (stayed at Lead)" in run.out
    assert "missing: fit.region; unexpected: engagement.pricing_page" in run.out
    assert "actual: fit.title +12, engagement.pricing_page +15; stage Lead (no change)" in run.out
    assert "0 passed, 1 failed" in run.out


def test_unrounded_points_and_reason_codes_are_compared_too(cli: CLI, rules_dir: Path) -> None:
    week_old_view = {**PRICING_VIEW, "occurred_at": "2026-11-13T18:00:00+09:00"}
    _only_tests(
        rules_dir,
        _case(
            "a week-old pricing view is worth 7.5",
            {"LR_Lifecycle_Stage__c": "MQL"},
            {"points": {"engagement.pricing_page": 7.0}, "reason_codes": []},
            [week_old_view],
        ),
    )

    run = cli("rules", "test", rules_dir)

    assert run.code == 1
    assert "points[engagement.pricing_page]  expected 7.0  got 7.5" in run.out
    assert "reason_codes                     expected []  got [ENGAGEMENT_DECAYED]" in run.out


def test_a_case_naming_a_rule_that_does_not_exist_fails(cli: CLI, rules_dir: Path) -> None:
    _only_tests(
        rules_dir,
        _case("a typo in not_matched never passes silently", YAMADA, {"not_matched": ["fit.titel"]}),
    )

    run = cli("rules", "test", rules_dir)

    assert run.code == 1
    assert "rule ids  expected []  got [fit.titel]" in run.out


def test_k_runs_only_the_cases_whose_name_matches(cli: CLI, rules_dir: Path) -> None:
    run = cli("rules", "test", rules_dir, "-k", "京都府")

    assert run.code == 0
    assert "1 passed, 0 failed" in run.out


def test_a_broken_test_file_fails_with_its_line_and_column(cli: CLI, rules_dir: Path) -> None:
    (rules_dir / "tests" / "broken.json").write_text('{"kind": "rule_tests", "cases": [}', encoding="utf-8")

    run = cli("rules", "test", rules_dir)

    assert run.code == 1
    assert f"{rules_dir / 'tests' / 'broken.json'}:1:34: invalid JSON" in run.out


def test_a_test_file_with_an_unknown_key_fails(cli: CLI, rules_dir: Path) -> None:
    fit = read(rules_dir / "tests" / "fit.json")
    fit["cases"][0]["expect"]["score"] = {"fit": 60}
    write(rules_dir / "tests" / "fit.json", fit)

    run = cli("rules", "test", rules_dir)

    assert run.code == 1
    assert f"{rules_dir / 'tests' / 'fit.json'}:/cases/0/expect/score: unknown key 'score'" in run.out


def test_invalid_rules_stop_the_run_with_every_problem(cli: CLI, rules_dir: Path) -> None:
    scoring = read(rules_dir / "scoring.json")
    scoring["rules"][1]["score"] = "intent"
    write(rules_dir / "scoring.json", scoring)

    run = cli("rules", "test", rules_dir)

    assert run.code == 1
    assert "invalid rule set in" in run.out
    assert ":/rules/1/score: undefined score 'intent'" in run.out


def test_json_output_has_counts_and_each_difference(cli: CLI, rules_dir: Path) -> None:
    _only_tests(
        rules_dir,
        _case("営業部長 scores 12", YAMADA, {"scores": {"fit": 12}}),
        _case("営業部長 scores 20 (wrong on purpose)", YAMADA, {"scores": {"fit": 20}}),
    )

    payload = cli("rules", "test", rules_dir, "--json").json()

    assert (payload["ok"], payload["passed"], payload["failed"]) == (False, 1, 1)
    failure = payload["results"][1]
    assert failure["pointer"] == "/cases/1"
    assert failure["differences"] == [{"what": "scores.fit", "expected": 20, "actual": 12, "note": ""}]
    assert failure["decision"]["scores"] == {"fit": 12, "engagement": 0}
    assert "decision" not in payload["results"][0]
