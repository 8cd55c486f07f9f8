"""Fields of a rule file's own (``x_…``): mapped from any column, compared and blocked on, validated."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from leadrelay.domain.dedup_rules import DedupFile
from leadrelay.domain.matching.match_rules import compile_match_rules
from leadrelay.rulefiles.dedup_loading import load_match_rules
from leadrelay.rulefiles.validation import validate_document

FILE = "rules/dedup.json"
FEBRL_RULES = Path(__file__).resolve().parents[2] / "bench" / "dedup" / "febrl_rules.json"


def _document(columns: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "dedup",
        "columns": columns,
        "pairs": {
            "lead_lead": {
                "blocking": [["x_birth_date"]],
                "comparisons": [
                    {
                        "id": "person",
                        "method": "reading",
                        "field": "name",
                        "levels": {"exact": 1.0},
                        "weights": {"exact": 5},
                    },
                    {
                        "id": "birth_date",
                        "method": "normalised",
                        "field": "x_birth_date",
                        "weights": {"same": 5, "different": -5},
                    },
                ],
                "thresholds": {"match": 9, "candidate": 5},
            }
        },
    }


def _problems(document: dict[str, Any]) -> list[str]:
    return [d.format() for d in validate_document(document, FILE) if d.severity == "error"]


def test_a_field_of_the_files_own_is_read_compared_and_blocked_on() -> None:
    rules = compile_match_rules(DedupFile.model_validate(_document({"Lead": {"x_birth_date": ["生年月日"]}})))
    matcher = rules.pair("lead_lead")
    card = rules.record("Lead", {"LastName": "山田", "FirstName": "太郎", "生年月日": "1980-04-01"})
    form = rules.record("Lead", {"LastName": "Yamada", "FirstName": "Taro", "生年月日": "１９８０-０４-０１"})

    assert matcher.blocking_keys(card) == matcher.blocking_keys(form)
    decision = matcher.compare(card, form)
    assert (decision.outcome.value, decision.level("birth_date")) == ("match", "same")


def test_a_field_of_the_files_own_that_no_column_maps_is_located() -> None:
    problems = _problems(_document({}))

    unmapped = "x_birth_date is read from no column: map it in columns (e.g. Lead)"
    assert problems == [
        f"{FILE}:/pairs/lead_lead/comparisons/1/field: {unmapped}",
        f"{FILE}:/pairs/lead_lead/blocking/0/0: {unmapped}",
    ]


def test_a_field_name_outside_the_match_fields_and_the_x_prefix_is_refused() -> None:
    document = _document({"Lead": {"birth_date": ["生年月日"]}})

    located = [p for p in _problems(document) if p.startswith(f"{FILE}:/columns/Lead/birth_date")]

    assert any("expected 'id', 'first_name'" in p for p in located)
    assert any("should match pattern '^x_" in p for p in located)


def test_the_febrl_rule_file_is_valid() -> None:
    assert load_match_rules(FEBRL_RULES).pair("lead_lead").blocking[-1] == ("x_soc_sec_id",)
