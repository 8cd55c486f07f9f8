"""load_rules: a rules directory becomes a compiled rule set, or a RuleSetError listing every problem."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import leadrelay
import pytest
from leadrelay import RuleSetError
from leadrelay.engine.nesting import MAX_NESTING

from tests.rules_engine.builders import NOW, context, lifecycle_doc, rule_set, scoring_doc, write_rules

TITLE_RULE = {
    "id": "fit.title.executive",
    "score": "fit",
    "when": {"field": "lead.Title", "op": "keyword", "value": ["代表取締役", "CEO"]},
    "points": 20,
}


def test_load_rules_compiles_the_scoring_and_lifecycle_files_of_a_directory(tmp_path: Path) -> None:
    rules = leadrelay.load_rules(write_rules(tmp_path, scoring_doc(TITLE_RULE)))

    decision = rules.evaluate(context({"Title": "代表取締役社長"}), now=NOW)

    assert decision.scores == {"fit": 20, "engagement": 0}
    assert decision.stage == "Lead"
    assert decision.ruleset_version == rules.version


def test_the_rule_set_names_its_scores_stages_and_current_stage_path(tmp_path: Path) -> None:
    rules = leadrelay.load_rules(write_rules(tmp_path))

    assert rules.score_names == ("fit", "engagement")
    assert rules.stage_names[:5] == ("Lead", "MQL", "SQL", "Opportunity", "Customer")
    assert rules.current_stage_path == "lead.LR_Lifecycle_Stage__c"


def test_load_rules_ignores_schema_and_test_subdirectories_and_other_kinds(tmp_path: Path) -> None:
    write_rules(tmp_path)
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "scoring.schema.json").write_text("{}", encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "broken.json").write_text("{", encoding="utf-8")
    (tmp_path / "ownership.json").write_text('{"kind": "ownership"}', encoding="utf-8")

    assert leadrelay.load_rules(tmp_path).score_names == ("fit", "engagement")


def test_the_version_is_a_content_hash_independent_of_formatting_and_schema_path(tmp_path: Path) -> None:
    first = leadrelay.load_rules(write_rules(tmp_path / "a", scoring_doc(TITLE_RULE)))
    moved = scoring_doc(TITLE_RULE)
    moved["$schema"] = "../other/scoring.schema.json"
    second = leadrelay.load_rules(write_rules(tmp_path / "b", moved))
    changed = leadrelay.load_rules(write_rules(tmp_path / "c", scoring_doc({**TITLE_RULE, "points": 19})))

    assert len(first.version) == 12
    assert int(first.version, 16) >= 0
    assert first.version == second.version
    assert first.version != changed.version


def test_a_change_to_the_routing_or_sla_rules_gives_a_new_version_but_reformatting_them_does_not(
    tmp_path: Path,
) -> None:
    sla = {"kind": "sla", "first_contact": {"within_hours": 48}, "escalate_after_hours": 72}
    versions = []
    for name, document, indent in (
        ("a", sla, 2),
        ("b", sla, None),
        ("c", {**sla, "escalate_after_hours": 96}, 2),
    ):
        directory = write_rules(tmp_path / name)
        (directory / "sla.json").write_text(json.dumps(document, indent=indent), encoding="utf-8")
        versions.append(leadrelay.load_rules(directory).version)

    assert versions[0] == versions[1]
    assert versions[0] != versions[2]
    assert leadrelay.load_rules(write_rules(tmp_path / "d")).version not in versions


def test_a_missing_lifecycle_file_is_reported(tmp_path: Path) -> None:
    write_rules(tmp_path)
    (tmp_path / "lifecycle.json").unlink()

    with pytest.raises(RuleSetError, match='no rule file with "kind": "lifecycle"'):
        leadrelay.load_rules(tmp_path)


def test_the_error_lists_every_problem_as_file_pointer_message(tmp_path: Path) -> None:
    bad_rule = {**TITLE_RULE, "when": {"field": "lead.Title", "op": "matches", "value": "x"}}
    lifecycle = lifecycle_doc()
    lifecycle["transitions"][0]["to"] = "MQL2"
    write_rules(tmp_path, scoring_doc(bad_rule, {**TITLE_RULE, "score": "fitness"}), lifecycle)

    with pytest.raises(RuleSetError) as caught:
        leadrelay.load_rules(tmp_path)

    lines = str(caught.value).splitlines()
    assert lines[0] == f"invalid rule set in {tmp_path}: 3 errors"
    assert f"  {tmp_path}/scoring.json:/rules/0/when/op: unknown operator 'matches'; expected " in lines[1]
    assert lines[2:] == [
        f"  {tmp_path}/scoring.json:/rules/1/score: undefined score 'fitness' (defined: fit, engagement)",
        f"  {tmp_path}/lifecycle.json:/transitions/0/to: undefined stage 'MQL2' "
        "(stages: Lead, MQL, SQL, Opportunity, Customer, Nurture, Recycled)",
    ]
    assert len(caught.value.diagnostics) == 3


def test_broken_json_is_reported_with_line_and_column(tmp_path: Path) -> None:
    write_rules(tmp_path, scoring='{\n  "kind": "scoring",\n  "scores": {}\n  "rules": []\n}')

    with pytest.raises(RuleSetError) as caught:
        leadrelay.load_rules(tmp_path)

    (problem,) = caught.value.diagnostics
    assert problem.format() == (
        f"{tmp_path}/scoring.json:4:3: invalid JSON: Expecting ',' delimiter (line 4, column 3)"
    )


def _nested_nots(levels: int) -> str:
    """A scoring file whose one rule holds ``levels`` nested ``not``s, as text (too deep to dump)."""
    title = json.dumps({"field": "lead.Title", "op": "keyword", "value": ["部長"]}, ensure_ascii=False)
    document = scoring_doc({"id": "fit.deep", "score": "fit", "points": 1, "when": "DEEP"})
    return json.dumps(document, ensure_ascii=False).replace(
        '"DEEP"', '{"not": ' * levels + title + "}" * levels
    )


@pytest.mark.parametrize("levels", [200, 3000])
def test_conditions_nested_beyond_the_limit_are_a_located_error(tmp_path: Path, levels: int) -> None:
    write_rules(tmp_path, scoring=_nested_nots(levels))

    with pytest.raises(RuleSetError) as caught:
        leadrelay.load_rules(tmp_path)

    (problem,) = caught.value.diagnostics
    assert problem.pointer.startswith("/rules/0/when/not/not/")
    assert problem.message.startswith(f"nested deeper than {MAX_NESTING} levels")


def test_a_parsed_document_nested_beyond_the_limit_is_a_located_error() -> None:
    condition: dict[str, Any] = {"field": "lead.Title", "op": "keyword", "value": ["部長"]}
    for _ in range(200):
        condition = {"not": condition}
    with pytest.raises(RuleSetError) as caught:
        rule_set({"id": "fit.deep", "score": "fit", "when": condition, "points": 1})
    assert caught.value.diagnostics[0].pointer.startswith("/rules/0/when/not/not/")


def test_conditions_nested_within_the_limit_load() -> None:
    condition: dict[str, Any] = {"field": "lead.Title", "op": "keyword", "value": ["部長"]}
    for _ in range(MAX_NESTING - 6):
        condition = {"not": condition}
    assert rule_set({"id": "fit.deep", "score": "fit", "when": condition, "points": 1}) is not None
