"""Retry timing for transient Salesforce failures: exponential backoff with full jitter, bounded by time.

Pure: nothing here sleeps or reads a clock. The caller asks how long to wait before the next attempt,
sleeps itself, and passes the time it has left (for Lambda: ``context.get_remaining_time_in_millis()``
less a margin for answering SQS). When no further attempt fits, the failures go back to the queue
as batch-item failures and SQS redelivers them later.

Full jitter (``delay = uniform(0, min(cap, base * 2**n))``) spreads retries of many concurrent
invocations so that they do not hit a locked record or a recovering org in lock-step.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from msgspec import Struct


class Backoff(Struct, frozen=True):
    """How retries are spaced and how many there may be.

    ``attempt_time`` is what one more attempt may take (the gateway's request timeout is a safe
    figure): a retry is only scheduled when its delay plus ``attempt_time`` fits in the time left.
    """

    base: float = 0.2
    cap: float = 5.0
    max_attempts: int = 5
    """Attempts in all, the first included."""
    attempt_time: float = 2.0

    def __post_init__(self) -> None:
        if self.base <= 0 or self.cap < self.base:
            raise ValueError(f"Backoff needs 0 < base <= cap, got base={self.base} cap={self.cap}")
        if self.max_attempts < 1:
            raise ValueError(f"Backoff.max_attempts must be at least 1, got {self.max_attempts}")
        if self.attempt_time < 0:
            raise ValueError(f"Backoff.attempt_time must not be negative, got {self.attempt_time}")

    def ceiling(self, retry: int) -> float:
        """The largest delay before retry number ``retry`` (0 for the first retry)."""
        return min(self.cap, self.base * 2.0 ** min(retry, 62))

    def delay(self, retry: int, rng: random.Random) -> float:
        """A full-jitter delay before retry number ``retry``: uniform in ``[0, ceiling(retry)]``."""
        return rng.uniform(0.0, self.ceiling(retry))

    def next_delay(self, attempts_made: int, *, remaining: float, rng: random.Random) -> float | None:
        """Seconds to wait before attempt ``attempts_made + 1``, or ``None`` when none may start.

        ``remaining`` is the time the caller has left now (seconds). ``None`` means the attempts are
        used up or the next one would not finish in time; the caller then gives the work back.
        """
        if attempts_made >= self.max_attempts:
            return None
        wait = self.delay(max(attempts_made - 1, 0), rng)
        if wait + self.attempt_time > remaining:
            return None
        return wait


def delays(backoff: Backoff, *, deadline_remaining: float, rng: random.Random) -> Iterator[float]:
    """The delays before each retry, for a caller that measured its time budget once.

    Every retry is charged its delay and ``backoff.attempt_time``; the iteration stops when the
    next retry would not fit in ``deadline_remaining`` or ``backoff.max_attempts`` is reached.
    """
    remaining = deadline_remaining - backoff.attempt_time  # the first attempt
    attempts = 1
    while (wait := backoff.next_delay(attempts, remaining=remaining, rng=rng)) is not None:
        yield wait
        remaining -= wait + backoff.attempt_time
        attempts += 1
