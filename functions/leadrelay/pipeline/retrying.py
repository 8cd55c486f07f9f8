"""Retries inside one invocation: backoff from ``core.retry``, the sleep and the time left injected."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from leadrelay.core.failures import SalesforceCallError
from leadrelay.core.retry import Backoff

T = TypeVar("T")


@dataclass
class Retrier:
    """Waits between attempts while the invocation has time for another one.

    ``remaining`` returns the seconds the invocation may still use (the Lambda context's remaining
    time less a margin for answering SQS); ``sleep`` is ``time.sleep`` in Lambda and a fake clock's
    advance in tests, so no test ever sleeps.
    """

    remaining: Callable[[], float]
    sleep: Callable[[float], None]
    backoff: Backoff = field(default_factory=Backoff)
    rng: random.Random = field(default_factory=random.Random)
    waited: float = 0.0
    """Seconds slept so far (for logs and metrics)."""

    def wait(self, attempts_made: int) -> bool:
        """Sleep before attempt ``attempts_made + 1``; ``False`` (without sleeping) when none may start."""
        delay = self.backoff.next_delay(attempts_made, remaining=self.remaining(), rng=self.rng)
        if delay is None:
            return False
        self.sleep(delay)
        self.waited += delay
        return True

    def call(self, operation: Callable[[], T]) -> T:
        """Run a whole-call operation (a query), again after transient ``SalesforceCallError``s while
        time allows; the last error is raised."""
        attempts = 0
        while True:
            attempts += 1
            try:
                return operation()
            except SalesforceCallError as failure:
                if not failure.classification.transient or not self.wait(attempts):
                    raise
