"""Fixtures for the write-plan specs: the shipped ownership map and realistic decisions."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from leadrelay.domain.ownership import OwnershipMap
from leadrelay.engine.decision import Decision, RuleHit, StageTransition

RULES = Path(__file__).resolve().parents[2] / "rules"
NOW = datetime(2026, 11, 21, 5, 17, tzinfo=UTC)


def load_ownership_json() -> dict[str, Any]:
    """The shipped ``rules/ownership.json`` as plain JSON (tests edit copies of it)."""
    data: dict[str, Any] = json.loads((RULES / "ownership.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def ownership() -> OwnershipMap:
    return OwnershipMap.model_validate(load_ownership_json())


@pytest.fixture
def make_decision() -> Callable[..., Decision]:
    def make(
        *,
        fit: int = 35,
        engagement: int = 55,
        stage: str = "MQL",
        previous_stage: str = "Lead",
        transitions: tuple[StageTransition, ...] | None = None,
        trace: tuple[RuleHit, ...] | None = None,
        ruleset_version: str = "3f2a9c41b7de",
    ) -> Decision:
        if transitions is None:
            transitions = (
                (StageTransition("lifecycle.mql", previous_stage, stage),) if stage != previous_stage else ()
            )
        return Decision(
            scores={"fit": fit, "engagement": engagement},
            stage=stage,
            previous_stage=previous_stage,
            transitions=transitions,
            ruleset_version=ruleset_version,
            trace=trace,
        )

    return make
