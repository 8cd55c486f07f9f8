"""Retry timing: exponential backoff with full jitter, never past the invocation's remaining time."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from leadrelay.domain.retry import Backoff, delays


def test_the_delay_ceiling_doubles_from_the_base_up_to_the_cap() -> None:
    backoff = Backoff(base=0.2, cap=5.0)
    assert [backoff.ceiling(n) for n in range(7)] == pytest.approx([0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0])


def test_a_huge_retry_number_stays_at_the_cap() -> None:
    assert Backoff(base=0.2, cap=5.0).ceiling(10_000) == 5.0


@given(retry=st.integers(min_value=0, max_value=50), seed=st.integers())
def test_a_jittered_delay_lies_between_zero_and_the_ceiling(retry: int, seed: int) -> None:
    backoff = Backoff(base=0.2, cap=5.0)
    assert 0.0 <= backoff.delay(retry, random.Random(seed)) <= backoff.ceiling(retry)


def test_jitter_spreads_the_retries_of_concurrent_invocations() -> None:
    backoff = Backoff(base=1.0, cap=30.0)
    first_retries = {backoff.delay(3, random.Random(seed)) for seed in range(20)}
    assert len(first_retries) == 20


def test_the_same_seed_gives_the_same_delays() -> None:
    backoff = Backoff()
    once = list(delays(backoff, deadline_remaining=60.0, rng=random.Random(7)))
    again = list(delays(backoff, deadline_remaining=60.0, rng=random.Random(7)))
    assert once == again


def test_with_time_to_spare_the_retries_stop_at_max_attempts() -> None:
    backoff = Backoff(max_attempts=4)
    assert len(list(delays(backoff, deadline_remaining=900.0, rng=random.Random(1)))) == 3


def test_without_time_for_another_attempt_there_is_no_retry() -> None:
    backoff = Backoff(attempt_time=2.0)
    assert list(delays(backoff, deadline_remaining=3.9, rng=random.Random(1))) == []


@given(
    remaining=st.floats(min_value=0.0, max_value=120.0),
    attempt_time=st.floats(min_value=0.0, max_value=10.0),
    max_attempts=st.integers(min_value=1, max_value=12),
    seed=st.integers(),
)
def test_retries_with_their_waits_always_fit_in_the_remaining_time(
    remaining: float, attempt_time: float, max_attempts: int, seed: int
) -> None:
    backoff = Backoff(base=0.2, cap=5.0, max_attempts=max_attempts, attempt_time=attempt_time)
    waits = list(delays(backoff, deadline_remaining=remaining, rng=random.Random(seed)))
    assert len(waits) <= max_attempts - 1
    if waits:
        assert sum(waits) + attempt_time * (len(waits) + 1) <= remaining + 1e-9


def test_next_delay_gives_up_once_the_attempts_are_used() -> None:
    backoff = Backoff(max_attempts=3)
    assert backoff.next_delay(2, remaining=60.0, rng=random.Random(1)) is not None
    assert backoff.next_delay(3, remaining=60.0, rng=random.Random(1)) is None


def test_next_delay_gives_up_when_the_wait_and_the_attempt_would_overrun() -> None:
    backoff = Backoff(base=0.2, cap=5.0, attempt_time=2.0)
    assert backoff.next_delay(1, remaining=1.9, rng=random.Random(1)) is None


def test_next_delay_uses_the_ceiling_of_the_retry_it_schedules() -> None:
    backoff = Backoff(base=0.2, cap=5.0, max_attempts=10)
    rng = random.Random(3)
    waits = [backoff.next_delay(attempts, remaining=60.0, rng=rng) for attempts in range(1, 7)]
    assert all(w is not None and w <= backoff.ceiling(n) for n, w in enumerate(waits))


@pytest.mark.parametrize(
    "kwargs",
    [{"base": 0.0}, {"base": 2.0, "cap": 1.0}, {"max_attempts": 0}, {"attempt_time": -1.0}],
)
def test_a_nonsensical_backoff_is_refused_with_its_reason(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="Backoff"):
        Backoff(**kwargs)  # type: ignore[arg-type]
