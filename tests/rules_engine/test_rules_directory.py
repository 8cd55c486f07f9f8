"""A rules directory read once (``leadrelay.rulefiles.documents.RulesDirectory``): the processor's and the
SLA monitor's cold starts read and parse each rule file once, and every loader sees that one reading."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from leadrelay.engine.diagnostics import RuleSetError
from leadrelay.rulefiles.bundle import load_rule_bundle
from leadrelay.rulefiles.documents import RulesDirectory
from leadrelay.rulefiles.engine_files import rules_version
from leadrelay.rulefiles.loader import load_rules
from leadrelay.rulefiles.sla_rules import load_sla_rules

from tests.pipeline.support import RULES


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    """A copy of the shipped rules to change."""
    copy = tmp_path / "rules"
    shutil.copytree(RULES, copy)
    return copy


def test_every_rule_file_of_the_directory_is_read_once(rules: Path) -> None:
    directory = RulesDirectory.read(rules)

    names = sorted(Path(document.file).name for document in directory.documents)
    assert names == sorted(
        path.name for path in rules.glob("*.json") if not path.name.endswith(".schema.json")
    )


def test_the_rule_set_is_compiled_from_the_reading_not_from_the_disk(rules: Path) -> None:
    directory = RulesDirectory.read(rules)
    (rules / "scoring.json").write_text("{", encoding="utf-8")  # a later edit on disk

    assert load_rules(directory).version == load_rules(RULES).version


def test_the_version_from_a_reading_is_the_compiled_rule_sets() -> None:
    directory = RulesDirectory.read(RULES)

    assert rules_version(directory) == load_rules(directory).version == load_rule_bundle(RULES).rules.version


def test_a_path_to_a_file_reads_its_directory() -> None:
    assert RulesDirectory.read(RULES / "scoring.json").path == RULES


def test_a_missing_directory_is_named(tmp_path: Path) -> None:
    with pytest.raises(RuleSetError) as raised:
        RulesDirectory.read(tmp_path / "ルール")

    assert "no such rules directory" in str(raised.value)
    assert "ルール" in str(raised.value)


def test_broken_json_in_the_field_map_is_located_by_line_and_column(rules: Path) -> None:
    (rules / "ownership.json").write_text('{\n  "version": 1,\n  "fields": {,\n}', encoding="utf-8")

    with pytest.raises(RuleSetError) as raised:
        load_sla_rules(rules)

    (problem,) = [d for d in raised.value.errors if d.file.endswith("ownership.json")]
    assert problem.message.startswith("invalid JSON")
    assert (problem.line, problem.column) == (3, 14)


def test_a_missing_field_map_is_named_as_required(rules: Path) -> None:
    (rules / "ownership.json").unlink()

    with pytest.raises(RuleSetError) as raised:
        load_rule_bundle(rules)

    assert [d.message for d in raised.value.errors if d.file.endswith("ownership.json")] == [
        "missing: the processor and the SLA monitor need this file"
    ]


def test_an_empty_file_of_no_kind_does_not_stop_the_engine_files_loading(rules: Path) -> None:
    (rules / "メモ.json").write_text("", encoding="utf-8")

    assert load_rules(rules).version != ""


def test_a_broken_file_of_another_kind_still_changes_the_version(rules: Path) -> None:
    before = rules_version(RulesDirectory.read(rules))
    (rules / "dedup.json").write_text(json.dumps({"kind": "dedup"})[:-1], encoding="utf-8")

    assert rules_version(RulesDirectory.read(rules)) != before
