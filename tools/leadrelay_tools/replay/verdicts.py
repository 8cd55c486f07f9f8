"""What became of each replayed event: the outcomes ``leadrelay replay`` reports."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    """What became of one event (or of a delivery that yielded none)."""

    APPLIED = "applied"
    DROPPED = "dropped"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"
    DEAD_LETTERED = "dead_lettered"
    FAILED = "failed"


FAILURES = frozenset({Verdict.REJECTED, Verdict.DEAD_LETTERED, Verdict.FAILED})


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the replay's report."""

    line: int
    source: str
    outcome: Verdict
    event: str = ""
    key: str = ""
    reason: str = ""
    changes: str = ""
    """What an applied event wrote (``update Lead 00Q…: LR_Fit_Score__c=40, …``) or ``nothing to write``."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {**dataclasses.asdict(self), "outcome": self.outcome.value}
