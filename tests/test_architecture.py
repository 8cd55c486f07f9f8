"""The core stays pure: no I/O, no AWS, no Salesforce client, no clock reads."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "functions" / "leadrelay" / "core"
FORBIDDEN_MODULES = {
    "boto3",
    "botocore",
    "aws_lambda_powertools",
    "simple_salesforce",
    "requests",
    "urllib3",
    "socket",
    "sqlite3",
    "subprocess",
    "leadrelay.adapters",
    "leadrelay.handlers",
    "leadrelay.cli",
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_modules_import_no_io_libraries() -> None:
    offenders = {
        f"{path.relative_to(CORE)} imports {name}"
        for path in CORE.rglob("*.py")
        for name in _imports(path)
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN_MODULES)
    }
    assert not offenders, sorted(offenders)


def test_core_never_reads_the_clock() -> None:
    offenders = [
        str(path.relative_to(CORE))
        for path in CORE.rglob("*.py")
        if "datetime.now(" in path.read_text(encoding="utf-8")
        or "time.time(" in path.read_text(encoding="utf-8")
    ]
    assert not offenders, f"the core takes `now` as an argument; these read the clock: {offenders}"
