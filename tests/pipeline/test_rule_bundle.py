"""The processor's rules bundle: every rule file, 名寄せ included, checked at cold start."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from leadrelay.engine.diagnostics import RuleSetError
from leadrelay.rulefiles.bundle import load_rule_bundle

from tests.pipeline.support import RULES


def test_the_processors_bundle_holds_the_compiled_match_rules() -> None:
    assert load_rule_bundle(RULES).match is not None


def test_a_broken_dedup_file_fails_the_processors_bundle_at_its_pointer(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    document = json.loads((rules / "dedup.json").read_text(encoding="utf-8"))
    document["pairs"]["lead_lead"]["thresholds"] = {"match": 5, "candidate": 8}
    (rules / "dedup.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(RuleSetError) as raised:
        load_rule_bundle(rules)

    assert f"{rules / 'dedup.json'}:/pairs/lead_lead/thresholds/candidate" in str(raised.value)
