"""What the SLA monitor reads from ``rules/``: the field map, the SLA policies, the business calendar and
the rule set's version — the processor's version and calendar, without compiling the processor's rules."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from leadrelay.domain.calendar import BusinessCalendar
from leadrelay.engine.diagnostics import RuleSetError
from leadrelay.rulefiles.bundle import load_rule_bundle
from leadrelay.rulefiles.sla_rules import load_sla_rules

from tests.pipeline.support import RULES

Edit = Callable[[dict[str, Any]], None]


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    """A copy of the shipped rules to change."""
    copy = tmp_path / "rules"
    shutil.copytree(RULES, copy)
    return copy


def edit(rules: Path, name: str, change: Edit) -> None:
    document = json.loads((rules / name).read_text(encoding="utf-8"))
    change(document)
    (rules / name).write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def test_the_version_is_the_processors_rule_set_version() -> None:
    assert load_sla_rules(RULES).version == load_rule_bundle(RULES).rules.version


def test_a_changed_mql_threshold_changes_both_versions_alike(rules: Path) -> None:
    edit(rules, "lifecycle.json", lambda d: d.setdefault("thresholds", {}).update({"leadrelay_test": 1}))
    edit(rules, "routing.json", lambda d: d.update({"description": "東日本と西日本で担当を分ける"}))

    sla_rules, bundle = load_sla_rules(rules), load_rule_bundle(rules)

    assert sla_rules.version == bundle.rules.version != load_rule_bundle(RULES).rules.version


def test_the_calendar_is_the_routing_tables() -> None:
    bundle = load_rule_bundle(RULES)
    assert bundle.routing is not None
    assert load_sla_rules(RULES).calendar == bundle.routing.calendar


def test_rules_that_route_no_leads_keep_time_by_the_default_calendar(rules: Path) -> None:
    (rules / "routing.json").unlink()

    assert load_sla_rules(rules).calendar == BusinessCalendar()


def test_the_sla_policies_and_the_field_map_are_read() -> None:
    read = load_sla_rules(RULES)

    assert read.sla is not None
    assert read.sla.policies
    assert read.ownership.outputs.sla is not None


def test_a_closure_that_is_no_date_is_refused_at_its_pointer(rules: Path) -> None:
    edit(rules, "routing.json", lambda d: d["calendar"]["closures"].append({"from": "02-30", "to": "13-01"}))

    with pytest.raises(RuleSetError) as raised:
        load_sla_rules(rules)

    assert f"{rules / 'routing.json'}:/calendar" in str(raised.value)


def test_a_working_hours_value_of_the_wrong_type_is_refused_at_its_pointer(rules: Path) -> None:
    edit(rules, "routing.json", lambda d: d["calendar"].update({"working_hours": ["九時", "18:00"]}))

    with pytest.raises(RuleSetError) as raised:
        load_sla_rules(rules)

    assert f"{rules / 'routing.json'}:/calendar/working_hours/0" in str(raised.value)


def test_a_missing_field_map_is_named(rules: Path) -> None:
    (rules / "ownership.json").unlink()

    with pytest.raises(RuleSetError) as raised:
        load_sla_rules(rules)

    assert f"{rules / 'ownership.json'}: missing: the processor and the SLA monitor need this file" in str(
        raised.value
    )


def test_a_broken_routing_row_or_dedup_file_is_left_to_the_processor(rules: Path) -> None:
    edit(rules, "routing.json", lambda d: d["rows"][0].update({"to": {"pool": "存在しないプール"}}))
    thresholds = {"match": 5, "candidate": 8}
    edit(rules, "dedup.json", lambda d: d["pairs"]["lead_lead"].update({"thresholds": thresholds}))

    assert load_sla_rules(rules).version
    with pytest.raises(RuleSetError):
        load_rule_bundle(rules)
