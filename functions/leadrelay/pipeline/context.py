"""What every step of the pipeline shares, and the shape of a step (:mod:`leadrelay.pipeline.steps`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from msgspec import Struct

from leadrelay.domain.errors import ErrorDetail
from leadrelay.pipeline.retrying import Retrier
from leadrelay.pipeline.state import BatchState
from leadrelay.pipeline.writing import Failure


class StepContext(Struct, frozen=True):
    """What every step of one invocation shares: the retry budget and the clock."""

    retrier: Retrier
    clock: Callable[[], datetime]

    def failure(self, errors: Sequence[ErrorDetail]) -> Failure:
        """The failure of one attempt, now."""
        return Failure.of(errors, now=self.clock())


class Step(Protocol):
    """One stage of the pipeline."""

    name: str

    def run(self, batch: BatchState, ctx: StepContext) -> None:
        """Advance ``batch``: add this stage's products, fail the events it cannot carry further."""
        ...
