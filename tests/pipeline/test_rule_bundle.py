"""The rules directory read as one bundle: everything for the processor, everything but the match rules
for the SLA monitor (which never matches records and so never imports the matching libraries)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from leadrelay.engine.diagnostics import RuleSetError
from leadrelay.rulefiles.bundle import load_rule_bundle
from leadrelay.rulefiles.bundle_reading import read_rule_bundle

from tests.pipeline.support import RULES


@pytest.fixture
def broken_dedup(tmp_path: Path) -> Path:
    """The shipped rules with a lead-lead candidate threshold above its match threshold."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    document = json.loads((rules / "dedup.json").read_text(encoding="utf-8"))
    document["pairs"]["lead_lead"]["thresholds"] = {"match": 5, "candidate": 8}
    (rules / "dedup.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return rules


def test_the_processors_bundle_holds_the_compiled_match_rules() -> None:
    assert load_rule_bundle(RULES).match is not None


def test_the_bundle_read_without_match_rules_has_none_and_everything_else() -> None:
    full, without = load_rule_bundle(RULES), read_rule_bundle(RULES, match_rules=None)

    assert without.match is None
    assert (without.rules.version, without.lead_fields, without.sla) == (
        full.rules.version,
        full.lead_fields,
        full.sla,
    )


def test_a_broken_dedup_file_fails_the_processors_bundle_at_its_pointer(broken_dedup: Path) -> None:
    with pytest.raises(RuleSetError) as raised:
        load_rule_bundle(broken_dedup)

    assert f"{broken_dedup / 'dedup.json'}:/pairs/lead_lead/thresholds/candidate" in str(raised.value)


def test_a_broken_dedup_file_is_not_read_without_match_rules(broken_dedup: Path) -> None:
    assert read_rule_bundle(broken_dedup, match_rules=None).match is None
