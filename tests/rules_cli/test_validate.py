"""`leadrelay rules validate`: every problem at once, located as FILE:JSON-POINTER, never a traceback."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from leadrelay.engine.nesting import MAX_NESTING

from tests.rules_cli.conftest import CLI, read, rule_index, write


def located(out: str, file: Path, rest: str) -> bool:
    """True when ``out`` has the line ``FILE:LINE:COLUMN: rest`` (a diagnostic with its position)."""
    pattern = re.escape(f"{file}:") + r"\d+:\d+: " + re.escape(rest)
    return re.search(pattern, out) is not None


def _break_scoring(rules_dir: Path, **edits: Any) -> Path:
    """Apply ``edits`` (rule id -> {key: value}) to the copied scoring file."""
    scoring = read(rules_dir / "scoring.json")
    for rule_id, changes in edits.items():
        scoring["rules"][rule_index(scoring, rule_id.replace("__", "."))].update(changes)
    return write(rules_dir / "scoring.json", scoring)


def test_the_shipped_rules_are_valid(cli: CLI, rules_dir: Path) -> None:
    run = cli("rules", "validate", rules_dir)

    assert run.code == 0
    assert run.out.strip().endswith("valid (0 errors, 0 warnings)")


def test_broken_json_is_reported_with_line_and_column(cli: CLI, rules_dir: Path) -> None:
    (rules_dir / "scoring.json").write_text(
        '{\n  "kind": "scoring",\n  "scores": {"fit": {}},\n  "rules": [\n'
        '    {"id": "fit.x" "points": 1}\n  ]\n}\n',
        encoding="utf-8",
    )

    run = cli("rules", "validate", rules_dir)

    assert run.code == 1
    assert f"{rules_dir / 'scoring.json'}:5:20: invalid JSON: Expecting ',' delimiter" in run.out


def test_an_unknown_key_is_an_error_at_its_pointer(cli: CLI, rules_dir: Path) -> None:
    _break_scoring(rules_dir, fit__company_size={"colour": "red"})

    run = cli("rules", "validate", rules_dir)

    assert run.code == 1
    assert located(run.out, rules_dir / "scoring.json", "/rules/0/colour: unknown key 'colour'")


def test_a_wrong_type_names_the_value_given(cli: CLI, rules_dir: Path) -> None:
    scoring = read(rules_dir / "scoring.json")
    scoring["rules"][0]["bands"][0]["points"] = "二十"
    write(rules_dir / "scoring.json", scoring)

    run = cli("rules", "validate", rules_dir)

    assert run.code == 1
    assert ": /rules/0/bands/0/points: input should be a valid number" in run.out
    assert "'二十'" in run.out


def test_an_invalid_jmespath_expression_is_an_error(cli: CLI, rules_dir: Path) -> None:
    _break_scoring(
        rules_dir, fit__title={"cases": [{"when": {"expr": "lead.[", "op": "eq", "value": 1}, "points": 5}]}
    )

    run = cli("rules", "validate", rules_dir)

    assert run.code == 1
    assert ": /rules/2/cases/0/when/expr: invalid JMESPath expression" in run.out


def test_an_invalid_regex_and_a_back_reference_are_both_errors(cli: CLI, rules_dir: Path) -> None:
    scoring = read(rules_dir / "scoring.json")
    pricing = rule_index(scoring, "engagement.pricing_page")
    products = rule_index(scoring, "engagement.product_pages")
    scoring["rules"][pricing]["activities"]["where"]["any"][0]["value"] = "/(pricing"
    scoring["rules"][products]["activities"]["where"]["all"][0]["value"] = "(pricing)/\\1"
    write(rules_dir / "scoring.json", scoring)

    run = cli("rules", "validate", rules_dir)

    assert run.code == 1
    assert f": /rules/{pricing}/activities/where/any/0/value: invalid regex: missing )" in run.out
    assert f": /rules/{products}/activities/where/all/0/value: back-references are not supported" in run.out


def test_an_unknown_operator_lists_the_known_ones(cli: CLI, rules_dir: Path) -> None:
    scoring = read(rules_dir / "scoring.json")
    scoring["rules"][rule_index(scoring, "fit.region")]["cases"][0]["when"]["op"] = "equals"
    write(rules_dir / "scoring.json", scoring)

    run = cli("rules", "validate", rules_dir)

    assert run.code == 1
    assert ": /rules/3/cases/0/when/op: unknown operator 'equals'; expected 'eq', 'ne'" in run.out


def test_duplicate_rule_ids_point_at_both(cli: CLI, rules_dir: Path) -> None:
    _break_scoring(rules_dir, fit__industry={"id": "fit.company_size"})

    run = cli("rules", "validate", rules_dir)

    assert run.code == 1
    assert ": /rules/1/id: duplicate rule id 'fit.company_size' (also /rules/0/id)" in run.out


def test_a_rule_feeding_an_undefined_score_is_an_error(cli: CLI, rules_dir: Path) -> None:
    _break_scoring(rules_dir, fit__industry={"score": "intent"})

    run = cli("rules", "validate", rules_dir)

    assert run.code == 1
    assert ": /rules/1/score: undefined score 'intent' (defined: fit, engagement)" in run.out


def test_undefined_stages_and_backward_moves_without_reason_are_errors(cli: CLI, rules_dir: Path) -> None:
    lifecycle = read(rules_dir / "lifecycle.json")
    lifecycle["transitions"][0]["to"] = "Qualified"
    del lifecycle["transitions"][-1]["reason_code"]
    write(rules_dir / "lifecycle.json", lifecycle)

    run = cli("rules", "validate", rules_dir)

    last = len(lifecycle["transitions"]) - 1
    assert run.code == 1
    assert located(run.out, rules_dir / "lifecycle.json", "/transitions/0/to: undefined stage 'Qualified'")
    assert (
        f": /transitions/{last}: backward transition MQL (rank 1) → Nurture (rank 0) needs a reason_code"
        in run.out
    )


def test_an_overlapping_band_is_a_warning_and_an_unreachable_one_an_error(cli: CLI, rules_dir: Path) -> None:
    scoring = read(rules_dir / "scoring.json")
    bands = scoring["rules"][rule_index(scoring, "fit.company_size")]["bands"]
    bands[1]["gte"] = 200
    bands.append({"gte": 5000, "points": 25, "label": "5,000名以上"})
    write(rules_dir / "scoring.json", scoring)

    run = cli("rules", "validate", rules_dir)

    assert run.code == 1
    assert ": /rules/0/bands/2: warning: band [100, 300) overlaps band 1 [200, 1000)" in run.out
    assert ": /rules/0/bands/5: unreachable band [5000, inf)" in run.out


def test_every_problem_is_reported_in_one_run(cli: CLI, rules_dir: Path) -> None:
    _break_scoring(rules_dir, fit__company_size={"colour": "red"}, fit__industry={"score": "intent"})
    lifecycle = read(rules_dir / "lifecycle.json")
    lifecycle["transitions"][0]["to"] = "Qualified"
    write(rules_dir / "lifecycle.json", lifecycle)

    run = cli("rules", "validate", rules_dir)

    assert run.code == 1
    assert "unknown key 'colour'" in run.out
    assert "undefined score 'intent'" in run.out
    assert "undefined stage 'Qualified'" in run.out
    assert "invalid (3 errors," in run.out
    assert "Traceback" not in run.out + run.err


def test_a_rule_test_naming_an_unknown_score_is_an_error_and_unknown_rules_or_stages_warnings(
    cli: CLI, rules_dir: Path
) -> None:
    write(
        rules_dir / "tests" / "extra.json",
        {
            "kind": "rule_tests",
            "cases": [
                {
                    "name": "営業部長 scores 12",
                    "now": "2026-11-20T18:00:00+09:00",
                    "lead": {"Title": "営業部長"},
                    "expect": {"scores": {"intent": 12}, "matched": ["fit.titel"], "stage": "Prospect"},
                }
            ],
        },
    )

    run = cli("rules", "validate", rules_dir)

    extra = rules_dir / "tests" / "extra.json"
    assert run.code == 1
    assert located(run.out, extra, "/cases/0/expect/scores/intent: unknown score 'intent'")
    assert located(
        run.out, extra, "/cases/0/expect/matched/0: unknown rule id 'fit.titel'; did you mean 'fit.title'?"
    )
    assert located(run.out, extra, "/cases/0/expect/stage: unknown stage 'Prospect'")


def test_a_missing_path_is_an_error_not_a_traceback(cli: CLI, tmp_path: Path) -> None:
    run = cli("rules", "validate", tmp_path / "no-such-rules")

    assert run.code == 1
    assert "no such file or directory" in run.out


def test_json_output_lists_each_diagnostic(cli: CLI, rules_dir: Path) -> None:
    _break_scoring(rules_dir, fit__industry={"score": "intent"})

    run = cli("rules", "validate", rules_dir, "--json")

    payload = run.json()
    assert run.code == 1
    assert payload["ok"] is False
    assert (payload["errors"], payload["warnings"]) == (1, 0)
    assert payload["diagnostics"] == [
        {
            "file": str(rules_dir / "scoring.json"),
            "pointer": "/rules/1/score",
            "message": "undefined score 'intent' (defined: fit, engagement)",
            "severity": "error",
            "line": 59,
            "column": 7,
        }
    ]


@pytest.mark.parametrize("levels", [200, 3000])
def test_conditions_nested_too_deeply_are_one_located_error_not_a_traceback(
    cli: CLI, rules_dir: Path, levels: int
) -> None:
    scoring = read(rules_dir / "scoring.json")
    scoring["rules"].append({"id": "fit.deep", "score": "fit", "points": 1, "when": "DEEP"})
    title = json.dumps({"field": "lead.Title", "op": "keyword", "value": ["部長"]}, ensure_ascii=False)
    deep = '{"not": ' * levels + title + "}" * levels
    text = json.dumps(scoring, ensure_ascii=False).replace('"DEEP"', deep)
    (rules_dir / "scoring.json").write_text(text, encoding="utf-8")

    run = cli("rules", "validate", rules_dir)

    assert run.code == 1
    assert f"{rules_dir / 'scoring.json'}:" in run.out
    assert "/when/not/not/" in run.out
    assert f"nested deeper than {MAX_NESTING} levels" in run.out
    assert "Traceback" not in run.out + run.err
