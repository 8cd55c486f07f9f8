"""The worked examples of docs/rules-admin.md ("one per rule kind") are valid rule changes whose test
cases pass: each is applied, in order, to a copy of rules/, then `rules validate --strict` and
`rules test` run on it as an admin would run them."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from leadrelay_tools.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "rules-admin.md"
EXAMPLE = re.compile(r"<!-- example: (\S+) (\S+) -->\n```json\n(.*?)\n```", re.DOTALL)


def examples() -> list[tuple[str, str, Any]]:
    """(file, JSON pointer, value) of every example, in the guide's order."""
    section = GUIDE.read_text(encoding="utf-8").split("## Worked examples, one per rule kind", 1)[1]
    return [(file, pointer, json.loads(body)) for file, pointer, body in EXAMPLE.findall(section)]


def apply(document: Any, pointer: str, value: Any) -> None:
    """Set ``pointer`` to ``value``; ``…/-`` appends and ``…/N`` inserts into a list."""
    *parents, last = [part.replace("~1", "/").replace("~0", "~") for part in pointer.split("/")[1:]]
    target = document
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target.insert(len(target) if last == "-" else int(last), value)
    else:
        target[last] = value


def test_there_is_an_example_for_every_kind_a_rules_directory_holds() -> None:
    kinds = {json.loads((ROOT / file).read_text(encoding="utf-8"))["kind"] for file, _, _ in examples()}
    assert kinds >= {
        "scoring", "rule_tests", "mapping", "ownership", "operations", "routing", "routing_tests", "sla",
        "dedup", "dedup_tests",
    }  # fmt: skip


def test_the_examples_validate_and_their_cases_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    for file, pointer, value in examples():
        path = rules / Path(file).relative_to("rules")
        document = json.loads(path.read_text(encoding="utf-8"))
        apply(document, pointer, value)
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    assert main(["rules", "validate", "--strict", str(rules)]) == 0, capsys.readouterr().out
    assert main(["rules", "test", str(rules)]) == 0, capsys.readouterr().out
    assert "case-study" in capsys.readouterr().out
