"""Who takes a routed lead: a routing row's target resolved against the users Salesforce knows.

The users are read once per batch (``User``: ``IsActive``, ``TimeZoneSidKey``, ``ManagerId``; the
``OutOfOffice`` records reps set themselves) and turned into :class:`UserInfo`. A user target or an
account owner who is inactive or away hands the lead to the fallback owner; a queue always takes it; a
pool's choice is made by :mod:`leadrelay.pipeline.assignment`. :class:`Routed` says where the lead went
and why, in one line for the record's routing-reason field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from msgspec import Struct

from leadrelay.domain.pools import Absence, Rep, Skip, SkipReason
from leadrelay.engine.values import as_timestamp

USER_FIELDS = ("Id", "IsActive", "TimeZoneSidKey", "ManagerId")
OUT_OF_OFFICE_FIELDS = ("Id", "UserId", "StartDate", "EndDate", "IsEnabled")
REASON_LENGTH = 255


class PoolMember(Protocol):
    """A pool member as the routing file names it."""

    @property
    def user(self) -> str: ...

    @property
    def weight(self) -> float: ...


def pool_reps(
    members: Sequence[PoolMember], users: Mapping[str, UserInfo], zone: Callable[[str], tzinfo]
) -> list[Rep]:
    """The pool's members as reps: active, time zone (``zone`` of its key) and absences from what Salesforce
    knows of each user; a user Salesforce does not know is inactive (never handed a lead)."""
    reps = []
    for member in members:
        info = users.get(member.user) or users.get(member.user[:15])
        active = info is not None and info.active
        time_zone = zone(info.time_zone if info else TOKYO)
        reps.append(Rep(member.user, time_zone, active, member.weight, info.absences if info else ()))
    return reps


TOKYO = "Asia/Tokyo"


def zone_info(key: str) -> ZoneInfo:
    """The time zone a ``TimeZoneSidKey`` names; Asia/Tokyo for one Python does not know."""
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(TOKYO)


class UserInfo(Struct, frozen=True):
    """A user as routing needs them."""

    user_id: str
    active: bool
    time_zone: str
    manager_id: str | None = None
    absences: tuple[Absence, ...] = ()

    def away(self, now: datetime) -> bool:
        """True inside one of the user's absences."""
        return any(absence.start <= now < absence.end for absence in self.absences)


def user_infos(
    users: Iterable[Mapping[str, object]], out_of_office: Iterable[Mapping[str, object]]
) -> dict[str, UserInfo]:
    """``UserInfo`` by 15- and 18-character user id, from ``User`` and ``OutOfOffice`` records."""
    absences: dict[str, list[Absence]] = {}
    for record in out_of_office:
        start, end = as_timestamp(record.get("StartDate")), as_timestamp(record.get("EndDate"))
        if record.get("IsEnabled") is False or start is None or end is None or not record.get("UserId"):
            continue
        span = Absence(datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(end, UTC))
        absences.setdefault(str(record["UserId"])[:15], []).append(span)
    found: dict[str, UserInfo] = {}
    for record in users:
        user_id = str(record["Id"])
        manager = record.get("ManagerId")
        info = UserInfo(
            user_id,
            record.get("IsActive") is not False,
            str(record.get("TimeZoneSidKey") or "Asia/Tokyo"),
            str(manager) if manager else None,
            tuple(absences.get(user_id[:15], ())),
        )
        found[user_id] = found[user_id[:15]] = info
    return found


class Routed(Struct, frozen=True):
    """Where a routed lead went: the owner, the row, how, and each rep skipped and why."""

    owner_id: str
    row_id: str
    via: str
    """``user``, ``queue``, ``account_owner``, ``pool inside_sales_east`` or ``fallback (…)``."""
    skipped: tuple[Skip, ...] = ()

    def reason(self) -> str:
        """One line for the routing-reason field: ``routing.east → pool inside_sales_east → 005…``."""
        text = f"{self.row_id} → {self.via} → {self.owner_id}"
        if self.skipped:
            text += (
                " (skipped " + ", ".join(f"{skip.user_id} {skip.reason.value}" for skip in self.skipped) + ")"
            )
        return text if len(text) <= REASON_LENGTH else text[: REASON_LENGTH - 1] + "…"


def direct_owner(
    user_id: str, row_id: str, via: str, fallback: str, users: Mapping[str, UserInfo], now: datetime
) -> Routed:
    """A user target (or an account's owner): them, unless inactive, unknown or away — then the fallback."""
    info = users.get(user_id) or users.get(user_id[:15])
    if info is None or not info.active:
        return Routed(fallback, row_id, f"fallback ({via} inactive)", (Skip(user_id, SkipReason.INACTIVE),))
    if info.away(now):
        return Routed(fallback, row_id, f"fallback ({via} away)", (Skip(user_id, SkipReason.AWAY),))
    return Routed(info.user_id, row_id, via)
