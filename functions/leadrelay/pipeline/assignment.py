"""Taking a rep from a pool when several processor invocations route leads at once.

Read the pool's state, choose (:func:`leadrelay.domain.pools.choose`), save the successor state only if
nobody saved since the read; on a conflict, read and choose again. Each successful save is one step of
one sequential rotation, so concurrent invocations never give two leads the same slot, never skip a rep
and never exceed a cap. A pool still contended after ``attempts`` rounds raises
:class:`PoolContentionError`, a transient failure: the event comes back through the queue.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from leadrelay.domain.calendar import BusinessCalendar
from leadrelay.domain.pools import Choice, PoolRules, Rep, choose
from leadrelay.ports import PoolStates

DEFAULT_ATTEMPTS = 20


class PoolContentionError(RuntimeError):
    """The pool's state changed under every attempt; try the event again later."""


def assign_from_pool(
    pool: str,
    reps: Sequence[Rep],
    rules: PoolRules,
    states: PoolStates,
    *,
    now: datetime,
    calendar: BusinessCalendar,
    attempts: int = DEFAULT_ATTEMPTS,
) -> Choice:
    """The rep of ``pool`` for one lead, its state saved (``user_id`` None: nobody is available)."""
    for _ in range(attempts):
        state = states.read(pool)
        choice = choose(
            reps, rules, loads=state.loads(reps, now), credits=state.credits, now=now, calendar=calendar
        )
        if choice.user_id is None or states.save(pool, state.after(choice, reps, now)):
            return choice
    raise PoolContentionError(f"pool {pool!r} changed under {attempts} attempts in a row; trying again later")
