"""``leadrelay rules validate`` reads every rule file once, so all its findings are about one text of
each file (an editor may save while it runs). Observed with an audit hook on ``open``, not a patch."""

from __future__ import annotations

import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from leadrelay.rulefiles.validate import validate_path
from leadrelay.rulefiles.world import World

RULES = Path(__file__).resolve().parents[2] / "rules"
OPENED: list[Counter[str]] = []
"""While a test collects, the counter the audit hook adds every opened ``.json`` path to."""


def _count_opens(event: str, args: tuple[Any, ...]) -> None:
    if event == "open" and OPENED and isinstance(args[0], str | Path) and str(args[0]).endswith(".json"):
        OPENED[-1][str(args[0])] += 1


sys.addaudithook(_count_opens)  # audit hooks cannot be removed; it counts only inside ``opens``


def opens(path: Path, world: World | None) -> Counter[str]:
    """How many times validating ``path`` (against ``world``) opened each JSON file."""
    OPENED.append(Counter())
    try:
        assert [d.format() for d in validate_path(path, world) if d.is_error] == []
    finally:
        counted = OPENED.pop()
    return counted


def test_validating_a_rule_set_against_the_org_reads_each_rule_file_once(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules, ignore=shutil.ignore_patterns("schema"))

    counted = opens(rules, World())

    assert str(rules / "scoring.json") in counted
    assert str(rules / "mappings" / "hubspot.json") in counted
    assert {file: count for file, count in counted.items() if count > 1} == {}
