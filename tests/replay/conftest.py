"""Replay against moto and the session's local org: ``replay(*lines)`` runs a file, returns its rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from leadrelay.bootstrap import Overrides
from leadrelay_tools.localorg import LocalOrg
from leadrelay_tools.replay.lines import read_lines
from leadrelay_tools.replay.local import LocalEnvironment, local_environment
from leadrelay_tools.replay.runner import Replayer
from leadrelay_tools.replay.verdicts import Row

from tests.replay.support import SECRETS, SEED, write_jsonl

RULES = Path(__file__).resolve().parents[2] / "rules"


@dataclass
class ReplayRun:
    """The replay environment of one test and a way to replay lines through it."""

    env: LocalEnvironment
    workdir: Path
    runs: int = 0

    def replay(
        self, *lines: dict[str, Any] | str, dedupe: bool = True, batch_size: int = 200, dry_run: bool = False
    ) -> list[Row]:
        """Write ``lines`` to a file and replay it (the pipeline never really sleeps)."""
        self.runs += 1
        path = write_jsonl(self.workdir / f"replay-{self.runs}.jsonl", *lines)
        replayer = Replayer(
            self.env.settings,
            dedupe=dedupe,
            batch_size=batch_size,
            overrides=Overrides(sleep=lambda seconds: None),
            dry_run=dry_run,
        )
        return replayer.replay(read_lines(path))

    @property
    def org(self) -> LocalOrg:
        return self.env.org


@pytest.fixture
def secrets_file(tmp_path: Path) -> Path:
    path = tmp_path / "secrets.json"
    path.write_text(json.dumps({"leadrelay/webhooks": SECRETS}), encoding="utf-8")
    return path


@pytest.fixture
def replay_run(local_org: LocalOrg, tmp_path: Path, secrets_file: Path) -> Iterator[ReplayRun]:
    """moto + the (reset) local org with 山田 太郎's lead, webhook secrets from a local file."""
    with local_environment(rules_path=RULES, secrets_file=secrets_file, seed=SEED, org=local_org) as env:
        yield ReplayRun(env, tmp_path)
