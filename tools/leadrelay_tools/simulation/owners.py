"""Owners in a simulation: each rule set's destinations resolved to people, in the export's order.

A pool distributes as its strategy says (round robin, weighted, least-loaded) from a fresh state per rule
set, so the two sides are compared on equal terms. Daily and open caps are not applied: a simulation
puts every lead at one instant, where a cap would send all but the first few to the fallback owner —
the report says so. User targets and account owners are checked against the export's users (inactive:
the fallback owner); without user lines, everyone named is taken as active.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from leadrelay.adapters.pool_states import InMemoryPoolStates
from leadrelay.domain.owners import UserInfo, direct_owner, pool_reps, zone_info
from leadrelay.domain.pools import PoolRules
from leadrelay.domain.routing import RoutingTable
from leadrelay.pipeline.assignment import assign_from_pool

from leadrelay_tools.simulation.evaluation import Destination, Verdict


def resolve_owners(
    verdicts: Sequence[Verdict],
    table: RoutingTable | None,
    users: Mapping[str, UserInfo],
    current: Sequence[str | None],
    now: datetime,
) -> list[tuple[str | None, str | None]]:
    """Per person, in order: the owner under these verdicts and the pool that chose them (if any).
    A person who does not enter the routed stage keeps ``current``'s owner."""
    states = InMemoryPoolStates()
    owners: list[tuple[str | None, str | None]] = []
    for verdict, owner in zip(verdicts, current, strict=True):
        destination = verdict.destination
        if destination is None or table is None:
            owners.append((owner, None))
            continue
        owners.append(_owner(destination, table, users, states, now))
    return owners


def _owner(
    destination: Destination,
    table: RoutingTable,
    users: Mapping[str, UserInfo],
    states: InMemoryPoolStates,
    now: datetime,
) -> tuple[str, str | None]:
    kind, name = destination.kind, destination.name
    if kind in ("queue", "fallback"):
        return name, None
    if kind in ("user", "account_owner"):
        if not users:
            return name, None
        routed = direct_owner(name, destination.row_id, kind, destination.fallback, users, now)
        return routed.owner_id, None
    pool = table.file.pools[name]
    known = users or {m.user: UserInfo(m.user, active=True, time_zone="Asia/Tokyo") for m in pool.members}
    reps = pool_reps(pool.members, known, zone_info)
    rules = PoolRules(strategy=pool.strategy)
    choice = assign_from_pool(name, reps, rules, states, now=now, calendar=table.calendar)
    return (choice.user_id or destination.fallback), name
