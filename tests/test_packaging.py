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
    assert project["scripts"]["leadrelay"] == "leadrelay_tools.cli.main:main"


def test_every_cli_command_has_help(capsys: object) -> None:
    from leadrelay_tools.cli.main import build_parser

    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"rules", "dlq", "local-org", "replay", "demo"} <= set(commands)


def _runtime_closure() -> set[str]:
    """The distributions ``sam build`` installs: requirements.txt and everything they require."""
    from importlib.metadata import PackageNotFoundError, requires

    pending = [Requirement(line).name for line in _requirements_txt()]
    seen: set[str] = set()
    while pending:
        name = pending.pop().lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        try:
            needs = requires(name) or []
        except PackageNotFoundError:
            continue
        for spec in map(Requirement, needs):
            if spec.marker is None or spec.marker.evaluate({"extra": "crypto"}):
                pending.append(spec.name)
    return seen


def _runtime_imports() -> dict[str, str]:
    """Top-level modules the function package imports at run time (not under TYPE_CHECKING), by module."""
    import ast
    import sys

    found: dict[str, str] = {}
    for path in (ROOT / "functions" / "leadrelay").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {
            id(node)
            for block in ast.walk(tree)
            if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
            for statement in block.body
            for node in ast.walk(statement)
        }
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module]
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
                else []
            )
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "leadrelay":
                    found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def test_the_lambda_package_imports_only_what_sam_build_installs() -> None:
    """No test stand-in, dev tool or CLI dependency reaches the artifact (moto, trustme, werkzeug…)."""
    from importlib.metadata import packages_distributions

    installed = _runtime_closure()
    homes = packages_distributions()
    missing = {
        module: where
        for module, where in _runtime_imports().items()
        if not any(dist.lower().replace("_", "-") in installed for dist in homes.get(module, []))
    }
    assert not missing, f"imported by the function package but not a runtime dependency: {missing}"


def test_the_lambda_package_holds_no_tools() -> None:
    """The CLI, the local org, replay and the demo live in tools/ (leadrelay_tools), outside CodeUri."""
    shipped = {path.name for path in (ROOT / "functions" / "leadrelay").iterdir()}
    assert not shipped & {"cli", "localorg", "replay", "local_pipeline.py"}
