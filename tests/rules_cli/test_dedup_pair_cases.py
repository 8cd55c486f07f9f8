"""`leadrelay rules test` also runs the match rules' pair cases (kind dedup_tests) when dedup.json exists."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.rules_cli.conftest import CLI, SHIPPED_RULES, write

CARD = {"LastName": "山田", "FirstName": "太郎", "Company": "㈱サンプル商事", "Phone": "03-1234-5678"}
COLLEAGUE = {
    "LastName": "鈴木",
    "FirstName": "一郎",
    "Company": "株式会社サンプル商事",
    "Phone": "03-1234-5678",
}


def _with_dedup(rules_dir: Path) -> Path:
    shutil.copy(SHIPPED_RULES / "dedup.json", rules_dir / "dedup.json")
    return rules_dir


def test_the_shipped_pair_cases_pass(cli: CLI, rules_dir: Path) -> None:
    run = cli("rules", "test", _with_dedup(rules_dir))

    assert run.code == 0
    assert "  PASS  a namesake 山田太郎 at another company is distinct" in run.out
    assert "pair cases: " in run.out
    assert ", 0 failed" in run.out.splitlines()[-1]


def test_a_failing_pair_case_shows_the_difference_and_the_reasons(cli: CLI, rules_dir: Path) -> None:
    _with_dedup(rules_dir)
    case = {"name": "colleagues on one line (wrong on purpose)", "a": CARD, "b": COLLEAGUE}
    write(
        rules_dir / "tests" / "pairs.json",
        {
            "kind": "dedup_tests",
            "cases": [{**case, "expect": {"outcome": "match", "reasons": {"phone": "same_switchboard"}}}],
        },
    )

    run = cli("rules", "test", rules_dir, "-k", "wrong on purpose")

    assert run.code == 1
    assert "  FAIL  colleagues on one line (wrong on purpose)" in run.out
    assert "outcome  expected match  got distinct" in run.out
    assert "reasons.phone  expected same_switchboard  got same_direct" in run.out
    assert "actual: distinct (rule different_person)" in run.out


def test_json_output_carries_the_pair_cases(cli: CLI, rules_dir: Path) -> None:
    run = cli("rules", "test", _with_dedup(rules_dir), "--json")

    dedup = run.json()["dedup"]
    assert dedup["ok"] is True
    assert dedup["passed"] == len(dedup["results"]) > 0


def test_a_pair_case_naming_an_unknown_comparison_is_invalid(cli: CLI, rules_dir: Path) -> None:
    _with_dedup(rules_dir)
    case = {
        "name": "typo in a reason",
        "a": CARD,
        "b": CARD,
        "expect": {"outcome": "match", "reasons": {"persn": "exact"}},
    }
    path = write(rules_dir / "tests" / "pairs.json", {"kind": "dedup_tests", "cases": [case]})

    run = cli("rules", "validate", rules_dir)

    assert run.code == 1
    problem = "/cases/0/expect/reasons/persn: unknown comparison 'persn' in pair lead_lead"
    assert f"{path}:21:11: {problem}" in run.out
