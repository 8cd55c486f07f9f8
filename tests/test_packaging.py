"""The package is installable and what `sam build` installs matches what pip installs."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def _requirements_txt() -> set[str]:
    lines = (ROOT / "functions" / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return {str(Requirement(line)) for line in lines if line.strip() and not line.startswith("#")}


def _pyproject_dependencies() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {str(Requirement(dep)) for dep in project["dependencies"]}


def test_requirements_txt_lists_exactly_the_runtime_dependencies() -> None:
    assert _requirements_txt() == _pyproject_dependencies()


def test_console_script_points_at_the_cli() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"]["leadrelay"] == "leadrelay.cli.main:main"


def test_every_cli_command_has_help(capsys: object) -> None:
    from leadrelay.cli.main import build_parser

    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"rules", "dlq", "local-org", "replay", "demo"} <= set(commands)
