"""The `leadrelay dlq` specs run the real CLI against real (moto) queues with a redrive policy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from leadrelay.adapters.dead_letters import DeadLetterQueue
from leadrelay.domain.deadletter import DeadLetter
from leadrelay_tools.cli.main import main

from tests.plugins.dead_letters import Queues

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def env_queues(queues: Queues, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Queues:
    """The queues, named by the environment as in an ops shell (redrive journals under ``tmp_path``)."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("LEADRELAY_DLQ_URL", queues.dlq_url)
    monkeypatch.setenv("LEADRELAY_INGEST_QUEUE_URL", queues.ingest_url)
    return queues


@pytest.fixture
def dead_lettered(env_queues: Queues) -> Callable[..., None]:
    """Put envelopes in the dead-letter queue the way the processor does."""

    def send(*letters: DeadLetter) -> None:
        DeadLetterQueue(env_queues.sqs, env_queues.dlq_url).send(letters)

    return send


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """``leadrelay dlq ARGS`` → (exit code, stdout, stderr); the queue is read without a long poll."""

    def invoke(*args: str, wait: bool = False) -> tuple[int, str, str]:
        capsys.readouterr()
        argv = ["dlq", *args] if wait else ["dlq", *args, "--wait-seconds", "0"]
        code = main(argv)
        out, err = capsys.readouterr()
        return code, out, err

    return invoke
