"""JSON Schemas are generated from the models, committed in rules/schema/, referenced by every rule file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import pytest
from leadrelay.engine.models import Operator
from leadrelay.rulefiles.documents import read_document, rule_files
from leadrelay.rulefiles.kinds import RULE_FILE_KINDS
from leadrelay.rulefiles.validate import main, schema_text

RULES = Path(__file__).resolve().parents[2] / "rules"
SCHEMAS = RULES / "schema"


@pytest.mark.parametrize("kind", sorted(RULE_FILE_KINDS))
def test_the_committed_schema_is_what_the_models_generate(kind: str) -> None:
    committed = SCHEMAS / f"{kind}.schema.json"
    assert committed.is_file(), (
        f"missing {committed}: run python -m leadrelay.rulefiles.validate --write-schemas rules/schema"
    )
    assert committed.read_text(encoding="utf-8") == schema_text(kind), (
        f"{committed} is stale: run python -m leadrelay.rulefiles.validate --write-schemas rules/schema"
    )


@pytest.mark.parametrize(
    "path", rule_files(RULES, recursive=True), ids=lambda path: str(path.relative_to(RULES))
)
def test_every_rule_file_references_the_schema_of_its_kind(path: Path) -> None:
    document = read_document(path)
    assert isinstance(document.document, dict), document.problems
    reference = document.document.get("$schema")
    assert isinstance(reference, str), f"{path} has no $schema"
    assert (path.parent / reference).resolve() == SCHEMAS / f"{document.kind}.schema.json"


def test_unknown_keys_are_forbidden_by_the_schemas() -> None:
    scoring = json.loads(schema_text("scoring"))
    assert scoring["additionalProperties"] is False
    assert scoring["$defs"]["FieldCondition"]["additionalProperties"] is False
    assert scoring["properties"]["kind"]["const"] == "scoring"
    assert "$schema" in scoring["properties"]


@pytest.mark.parametrize("kind", ["scoring", "lifecycle"])
def test_every_condition_offers_editors_exactly_the_models_operators(kind: str) -> None:
    definitions = json.loads(schema_text(kind))["$defs"].values()
    offered = [d["properties"]["op"]["enum"] for d in definitions if "op" in d.get("properties", {})]
    assert len(offered) == 4  # field, expr, count and sum conditions
    assert all(operators == list(get_args(Operator)) for operators in offered)


def test_the_schemas_are_regenerated_by_one_command(tmp_path: Path) -> None:
    assert main(["--write-schemas", str(tmp_path)]) == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        f"{kind}.schema.json" for kind in RULE_FILE_KINDS
    )
    assert (tmp_path / "lifecycle.schema.json").read_text(encoding="utf-8") == schema_text("lifecycle")
