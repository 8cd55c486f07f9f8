"""Fixtures for the `leadrelay rules` and `leadrelay demo` tests: a copy of the shipped rules, a runner."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from leadrelay_tools.cli.main import main

REPO = Path(__file__).resolve().parents[2]
SHIPPED_RULES = REPO / "rules"
EXAMPLES = REPO / "examples" / "leads"


@dataclass(frozen=True)
class Run:
    """What one CLI invocation produced."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """The standard output parsed as JSON (for ``--json``)."""
        return json.loads(self.out)


CLI = Callable[..., Run]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> CLI:
    """``cli("rules", "validate", path)`` runs ``leadrelay`` in-process and captures its output."""

    def run(*argv: str | Path) -> Run:
        code = main([str(arg) for arg in argv])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    """A private copy of the shipped scoring, lifecycle and rule test files."""
    target = tmp_path / "rules"
    target.mkdir()
    for name in ("scoring.json", "lifecycle.json"):
        shutil.copy(SHIPPED_RULES / name, target / name)
    shutil.copytree(SHIPPED_RULES / "tests", target / "tests")
    return target


def read(path: Path) -> Any:
    """A JSON file's content."""
    return json.loads(path.read_text(encoding="utf-8"))


def write(path: Path, document: Any) -> Path:
    """Write ``document`` as JSON (Japanese kept readable)."""
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def rule_index(scoring: dict[str, Any], rule_id: str) -> int:
    """Position of a rule in a scoring document (so tests can name the JSON pointer they expect)."""
    return next(index for index, rule in enumerate(scoring["rules"]) if rule["id"] == rule_id)
