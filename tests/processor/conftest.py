"""Fixtures for the processor Lambda tests: its environment (moto, the local org) and a cold start."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from leadrelay_tools.localorg import LocalOrg

from tests.pipeline.support import RULES
from tests.plugins.dead_letters import Queues
from tests.processor.harness import cold_start, processor_environment


@pytest.fixture
def environment(
    local_org: LocalOrg, queues: Queues, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, str]]:
    """The function's environment variables, set for this test (the module is forgotten afterwards)."""
    env = processor_environment(local_org, queues, tmp_path, RULES)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    yield env
    cold_start()  # forget the runtime built on this test's environment


@pytest.fixture
def processor(environment: dict[str, str]) -> ModuleType:
    """The handler module after a cold start in that environment."""
    return cold_start()


@pytest.fixture
def log_output(processor: ModuleType, leadrelay_log: io.StringIO) -> io.StringIO:
    """What the processor's Powertools logger writes (after the processor module set its logger up)."""
    return leadrelay_log
