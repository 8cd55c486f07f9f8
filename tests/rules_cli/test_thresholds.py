"""Thresholds are defined once in the rules and referenced by name: raising the MQL bar from 50 to 60
is a one-line change, and the rule tests that break are the ones whose expectation really changes."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

from tests.rules_cli.conftest import CLI, SHIPPED_RULES, read, write

MQL_LINE = '"mql_engagement": 50,'


def _changed_lines(before: Path, after: Path) -> list[str]:
    """Every line added or removed between two copies of a rules directory, over all its files."""
    changed = []
    for old in sorted(before.rglob("*.json")):
        new = after / old.relative_to(before)
        diff = difflib.unified_diff(
            old.read_text(encoding="utf-8").splitlines(), new.read_text(encoding="utf-8").splitlines(), n=0
        )
        changed += [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    return changed


def test_raising_the_mql_bar_to_60_is_one_line_and_breaks_only_the_boundary_case(
    cli: CLI, tmp_path: Path
) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(SHIPPED_RULES, rules)
    lifecycle = rules / "lifecycle.json"
    text = lifecycle.read_text(encoding="utf-8")
    assert text.count(MQL_LINE) == 1
    lifecycle.write_text(text.replace(MQL_LINE, '"mql_engagement": 60,'), encoding="utf-8")

    assert [" ".join(line.split()) for line in _changed_lines(SHIPPED_RULES, rules)] == [
        '- "mql_engagement": 50,',
        '+ "mql_engagement": 60,',
    ]
    assert cli("rules", "validate", "--strict", rules).code == 0
    report = cli("rules", "test", rules, "--json").json()
    failed = [result["name"] for result in report["results"] if not result["passed"]]
    assert failed == ["fit 30 and engagement 50 make an MQL"]  # the lead at 50 really is no MQL now


def test_the_shipped_rules_name_their_thresholds_instead_of_repeating_them() -> None:
    lifecycle = read(SHIPPED_RULES / "lifecycle.json")
    mql = next(t for t in lifecycle["transitions"] if t["id"] == "lifecycle.mql")

    assert lifecycle["thresholds"] == {"mql_fit": 30, "mql_engagement": 50, "nurture_engagement": 20}
    assert mql["when"]["all"][1]["value"] == {"threshold": "mql_engagement"}
    assert "{mql_engagement}" in mql["description"]


def test_an_unknown_threshold_is_a_located_error_with_a_suggestion(cli: CLI, rules_dir: Path) -> None:
    lifecycle = read(rules_dir / "lifecycle.json")
    lifecycle["transitions"][0]["when"]["all"][1]["value"] = {"threshold": "mql_engagment"}
    write(rules_dir / "lifecycle.json", lifecycle)

    run = cli("rules", "validate", rules_dir, "--json")

    assert run.code == 1
    assert [(d["pointer"], d["message"]) for d in run.json()["diagnostics"]] == [
        (
            "/transitions/0/when/all/1/value/threshold",
            "unknown threshold 'mql_engagment' (defined: mql_fit, mql_engagement, nurture_engagement); "
            "did you mean 'mql_engagement'?",
        )
    ]


def test_an_unknown_placeholder_in_a_description_is_an_error(cli: CLI, rules_dir: Path) -> None:
    lifecycle = read(rules_dir / "lifecycle.json")
    lifecycle["transitions"][0]["description"] = "行動スコア {mql_engagemnt} 点以上"
    write(rules_dir / "lifecycle.json", lifecycle)

    run = cli("rules", "validate", rules_dir, "--json")

    assert run.code == 1
    (problem,) = run.json()["diagnostics"]
    assert problem["pointer"] == "/transitions/0/description"
    assert problem["message"].endswith("did you mean 'mql_engagement'?")


def test_a_threshold_that_is_not_a_number_is_an_error(cli: CLI, rules_dir: Path) -> None:
    lifecycle = read(rules_dir / "lifecycle.json")
    lifecycle["thresholds"]["mql_fit"] = "三十"
    write(rules_dir / "lifecycle.json", lifecycle)

    run = cli("rules", "validate", rules_dir, "--json")

    assert run.code == 1
    messages = [d["message"] for d in run.json()["diagnostics"]]
    assert "threshold 'mql_fit' must be a number, got '三十'" in messages
