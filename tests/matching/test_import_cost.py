"""The ingress functions never load the matching package or its reading library (cold start)."""

import subprocess
import sys

import pytest

HEAVY = ("leadrelay.domain.matching", "pykakasi", "jaconv", "phonenumbers")


@pytest.mark.parametrize("handler", ["leadrelay.handlers.webhook", "leadrelay.handlers.salesforce_events"])
def test_an_ingress_handler_does_not_import_the_matching_libraries(handler: str) -> None:
    probe = f"import sys, {handler}; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run(  # noqa: S603 - our interpreter, fixed arguments
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd="functions"
    ).stdout.strip()
    assert loaded == ""
