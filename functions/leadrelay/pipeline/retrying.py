"""Retries inside one invocation: backoff from ``domain.retry``, the sleep and the time left injected."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TypeVar

from msgspec import Struct, field

from leadrelay.domain.errors import ErrorDetail
from leadrelay.domain.failures import OUT_OF_TIME, SalesforceCallError
from leadrelay.domain.retry import Backoff

T = TypeVar("T")


class Retrier(Struct):
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

    def can_start(self) -> bool:
        """Whether one more attempt (``backoff.attempt_time``) still fits in the time left."""
        return self.remaining() >= self.backoff.attempt_time

    def out_of_time(self, operation: str) -> SalesforceCallError:
        """The transient ``OUT_OF_TIME`` failure of an ``operation`` that was not started."""
        left = max(self.remaining(), 0.0)
        message = f"not started: {left:.1f} s left, an attempt may take {self.backoff.attempt_time:.0f} s"
        return SalesforceCallError(operation, ErrorDetail(status_code=OUT_OF_TIME, message=message))

    def call(self, operation: Callable[[], T], *, name: str = "Salesforce call") -> T:
        """Run a whole-call operation (a query) if it can finish in time, again after transient
        ``SalesforceCallError``s while time allows; the last error is raised (``OUT_OF_TIME`` when
        not even the first attempt fits)."""
        if not self.can_start():
            raise self.out_of_time(name)
        attempts = 0
        while True:
            attempts += 1
            try:
                return operation()
            except SalesforceCallError as failure:
                if not failure.classification.transient or not self.wait(attempts):
                    raise
