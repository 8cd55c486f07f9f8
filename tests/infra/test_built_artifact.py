"""What `sam build` puts in each function's artifact: the functions' code and runtime dependencies only.

`make sam-build` (part of `make test`) builds the template without a container into ``.aws-sam/build``
and runs this module with ``LEADRELAY_REQUIRE_SAM_BUILD=1``; elsewhere (no build yet) it is skipped.
The test stand-ins (moto, the local org and its TLS helpers, werkzeug/flask), the CLI and dev tools
live outside ``CodeUri`` and outside ``functions/requirements.txt``; here we check they did not arrive
by some dependency's back door either.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from leadrelay.adapters.aws_services import SHIPPED_SERVICES
from leadrelay.bytecode_archive import archived_modules

from tests.infra.cfn import SAM_FUNCTION, load_template

ROOT = Path(__file__).resolve().parents[2]
PURE_PYTHON_IMPORTS = ("boto3", "requests", "jmespath", "leadrelay.adapters.aws_services")
"""Modules that import on this machine from an artifact built for arm64 (the handlers need compiled
packages built for arm64: pydantic-core, msgspec, cryptography)."""
BUILD = ROOT / ".aws-sam" / "build"
MAKEFILE = ROOT / "functions" / "Makefile"
LAMBDA_UNZIPPED_LIMIT_MB = 250  # Lambda's limit on a function's unzipped deployment package (with layers)
UNCHECKED_HASH = 0b01  # PEP 552: the .pyc's flags word — hash-based, the source never checked
STAND_INS = {
    "moto": "moto (AWS stand-in)",
    "leadrelay_tools": "the CLI, the local org, replay and the demo",
    "tests": "the test suite",
    "bench": "the benchmarks",
    "trustme": "the local org's test CA",
    "werkzeug": "the local org's HTTP server",
    "flask": "moto's server",
    "responses": "moto's HTTP mocking",
    "pytest": "the test runner",
    "_pytest": "the test runner",
    "hypothesis": "property tests",
    "mypy": "the type checker",
    "ruff": "the linter",
    "samcli": "the SAM CLI",
    "cfnlint": "cfn-lint",
}


def _built_functions() -> list[Path]:
    if not (BUILD / "template.yaml").is_file():
        if os.environ.get("LEADRELAY_REQUIRE_SAM_BUILD"):
            pytest.fail(f"no sam build output in {BUILD} (make sam-build)")
        pytest.skip("no sam build output (make sam-build builds it)")
    return sorted(path for path in BUILD.iterdir() if path.is_dir())


def test_every_function_of_the_template_was_built() -> None:
    built = {path.name for path in _built_functions()}
    resources = load_template()["Resources"]
    functions = {name for name, resource in resources.items() if resource.get("Type") == SAM_FUNCTION}
    assert functions <= built


@pytest.mark.parametrize("stand_in", sorted(STAND_INS))
def test_no_test_stand_in_or_tool_is_in_any_artifact(stand_in: str) -> None:
    found = [
        str(path.relative_to(BUILD))
        for function in _built_functions()
        for path in (function / stand_in, function / f"{stand_in}.py")
        if path.exists()
    ]
    assert not found, f"{STAND_INS[stand_in]} shipped in {found}"


def test_the_artifact_holds_the_handlers_and_the_runtime_dependencies() -> None:
    for function in _built_functions():
        assert (function / "leadrelay" / "handlers" / "processor.py").is_file(), function.name
        assert (function / "aws_lambda_powertools").is_dir(), function.name
        assert (function / "simple_salesforce").is_dir(), function.name
        assert (function / "pykakasi" / "data" / "kanwadict4.shards").is_file(), function.name


def test_the_artifact_holds_botocore_models_for_the_services_leadrelay_calls_only() -> None:
    for function in _built_functions():
        data = function / "botocore" / "data"
        assert sorted(path.name for path in data.iterdir() if path.is_dir()) == sorted(SHIPPED_SERVICES)
        endpoints = json.loads((data / "endpoints.json").read_text(encoding="utf-8"))
        assert {name for partition in endpoints["partitions"] for name in partition["services"]} == set(
            SHIPPED_SERVICES
        ), function.name


def test_the_artifacts_botocore_models_carry_no_documentation() -> None:
    for function in _built_functions():
        models = sorted((function / "botocore" / "data").glob("*/*/service-2.json"))
        assert len(models) >= len(SHIPPED_SERVICES), function.name
        assert not list((function / "botocore" / "data").glob("*/*/*.json.gz")), function.name
        for model in models:
            document = json.loads(model.read_text(encoding="utf-8"))
            document.pop("clientContextParams", None)  # documented: botocore reads it (slim_botocore.py)
            assert '"documentation":"' not in json.dumps(document, separators=(",", ":")), model
        assert not list((function / "botocore" / "data").glob("*/*/examples-1.json")), function.name


def _makefile_value(name: str) -> str:
    match = re.search(rf"^{name}\s*:=\s*(.+)$", MAKEFILE.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f"{name} not set in {MAKEFILE}"
    return match.group(1).strip()


def test_the_build_targets_the_templates_runtime_and_architecture() -> None:
    function_globals = load_template()["Globals"]["Function"]
    assert function_globals["Runtime"] == f"python{_makefile_value('LAMBDA_PYTHON')}"
    assert function_globals["Architectures"] == ["arm64"]
    assert all(tag.endswith("_aarch64") for tag in _makefile_value("PLATFORMS").replace("\\", " ").split())


def test_every_function_is_built_by_the_makefile_that_compiles_its_bytecode() -> None:
    resources = load_template()["Resources"]
    targets = set(_makefile_value("FUNCTIONS").split())
    for name, resource in resources.items():
        if resource.get("Type") == SAM_FUNCTION:
            assert resource.get("Metadata", {}).get("BuildMethod") == "makefile", name
            assert name in targets, f"functions/Makefile has no build-{name}"


def test_every_module_ships_with_bytecode_for_the_runtime_in_the_archive_or_beside_it() -> None:
    tag = "cpython-" + _makefile_value("LAMBDA_PYTHON").replace(".", "")
    for function in _built_functions():
        archived = {function / entry[0] for entry in _archive_index(function).values()}
        missing, checked = [], []
        for source in function.rglob("*.py"):
            compiled = source.parent / "__pycache__" / f"{source.stem}.{tag}.pyc"
            if source in archived:
                assert not compiled.exists(), f"{function.name}: {compiled} is also in the archive"
            elif not compiled.is_file():
                missing.append(str(source.relative_to(function)))
            elif int.from_bytes(compiled.read_bytes()[4:8], "little") != UNCHECKED_HASH:
                checked.append(str(compiled.relative_to(function)))
        assert not missing, f"{function.name}: {len(missing)} modules without {tag} bytecode: {missing[:3]}"
        assert not checked, f"{function.name}: bytecode that checks its source's timestamp: {checked[:3]}"
        assert len(archived) > 1000, f"{function.name}: only {len(archived)} modules in the archive"
        outside = {str(p.relative_to(function)) for p in (function / "leadrelay").rglob("*.py")} - {
            str(p.relative_to(function)) for p in archived
        }
        assert outside == {"leadrelay/__init__.py", "leadrelay/bytecode_archive.py"}  # they install it


IMPORT_PROBE = """
import importlib, json, os, sys
artifact = sys.argv[1]
sys.path.insert(0, artifact)
import leadrelay  # installs the archive and the regular expressions' snapshot
import re._compiler
from leadrelay.bytecode_archive import ArchiveFinder, ArchiveLoader
for module in sys.argv[2:]:
    importlib.import_module(module)
ours = {n: m.__spec__ for n, m in list(sys.modules.items())
        if getattr(m, "__spec__", None) and (m.__spec__.origin or "").startswith(artifact)}
print(json.dumps({
    "finders": sum(isinstance(f, ArchiveFinder) for f in sys.meta_path),
    "from_archive": sum(isinstance(s.loader, ArchiveLoader) for s in ours.values()),
    "snapshotted_patterns": len(getattr(re._compiler.compile, "entries", ())),
    "compiled_now": sorted(n for n, s in ours.items() if s.origin.endswith(".py")
                           and not isinstance(s.loader, ArchiveLoader) and not os.path.exists(s.cached)),
}))
"""


def test_the_runtimes_python_imports_the_artifacts_modules_from_the_archive_with_its_regex_snapshot() -> None:
    python = os.environ.get("LEADRELAY_LAMBDA_PYTHON")
    if not python:
        pytest.skip("make sam-build names the runtime's Python (LEADRELAY_LAMBDA_PYTHON)")
    for function in _built_functions():
        environ = {"PATH": os.environ.get("PATH", ""), "AWS_DEFAULT_REGION": "ap-northeast-1"}
        probe = [python, "-I", "-B", "-c", IMPORT_PROBE, str(function), *PURE_PYTHON_IMPORTS]
        done = subprocess.run(probe, capture_output=True, text=True, env=environ, check=False)  # noqa: S603
        assert done.returncode == 0, done.stderr[-2000:]
        report = json.loads(done.stdout)
        assert report["finders"] == 1, f"{function.name}: the archive was not installed"
        assert report["from_archive"] > 200, report
        assert report["compiled_now"] == [], f"{function.name}: compiled at import: {report['compiled_now']}"
        assert report["snapshotted_patterns"] > 200, f"{function.name}: no regex.snapshot installed"


def _archive_index(function: Path) -> dict[str, tuple[str, bool, int, int]]:
    return archived_modules(function / "bytecode.archive")


def test_every_artifact_fits_lambdas_unzipped_size_limit() -> None:
    for function in _built_functions():
        size_mb = sum(path.stat().st_size for path in function.rglob("*") if path.is_file()) / 2**20
        assert size_mb < LAMBDA_UNZIPPED_LIMIT_MB, f"{function.name}: {size_mb:.0f} MB unzipped"
