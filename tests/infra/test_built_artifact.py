"""What `sam build` puts in each function's artifact: the functions' code and runtime dependencies only.

`make sam-build` (part of `make test`) builds the template without a container into ``.aws-sam/build``
and runs this module with ``LEADRELAY_REQUIRE_SAM_BUILD=1``; elsewhere (no build yet) it is skipped.
The test stand-ins (moto, the local org and its TLS helpers, werkzeug/flask), the CLI and dev tools
live outside ``CodeUri`` and outside ``functions/requirements.txt``; here we check they did not arrive
by some dependency's back door either.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.infra.cfn import SAM_FUNCTION, load_template

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / ".aws-sam" / "build"
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
