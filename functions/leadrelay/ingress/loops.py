"""No loops: a change caused by leadrelay's own write-back never triggers leadrelay again.

A Change Data Capture event is leadrelay's own when any of these holds:

1. its ``changeOrigin`` names leadrelay's client (``…;client=leadrelay``, sent by the gateway as
   ``Sforce-Call-Options: client=leadrelay`` on every write);
2. its ``commitUser`` is the integration user leadrelay writes as (15- and 18-character ids match,
   and an 18-character id matches in any case: its suffix says which letters are capitals);
3. every changed field, system fields aside (``LastModifiedDate``, ``SystemModstamp``,
   ``LastModifiedById``), is a field leadrelay owns on that object (``rules/ownership.json``) —
   save the match keys that people also enter (the 法人番号, ``LR_Corporate_Number__c``: leadrelay
   writes it back normalised, but a person typing a company's number is the change that re-keys
   the Account, so such a change is never taken for leadrelay's own by its fields alone).

The EventBridge rule drops rules 1 and 2 already; this is the second line, and the only place
rule 3 can be checked. Activities and webhook events are never dropped here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from msgspec import Struct, field

from leadrelay.domain.events import CanonicalEvent
from leadrelay.domain.sfids import canonical_id15
from leadrelay.ingress.results import Notice, NoticeKind

SYSTEM_FIELDS = frozenset({"LastModifiedDate", "SystemModstamp", "LastModifiedById"})
_SYSTEM_FOLDED = frozenset(name.casefold() for name in SYSTEM_FIELDS)
ENTERED_KEY_FIELDS = frozenset({"LR_Corporate_Number__c"})
"""Match keys that people also enter (``domain.matching.keys.NEVER_CLEARED``'s fields, named here so
that ingress loads no matching code): a change of one is a person's edit as often as leadrelay's
write-back, so it never marks a change as leadrelay's own, and it re-keys an Account."""
_ENTERED_FOLDED = frozenset(name.casefold() for name in ENTERED_KEY_FIELDS)


class LoopGuard(Struct, frozen=True):
    """Recognises leadrelay's own changes. Build it with :meth:`build`."""

    client_name: str = "leadrelay"
    integration_user_ids: frozenset[str] = frozenset()
    """The integration user's id(s) in their case-sensitive 15-character form (:func:`canonical_id15`)."""
    owned_fields: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Case-folded object name → case-folded names of the fields leadrelay owns on it."""

    @classmethod
    def build(
        cls,
        *,
        client_name: str = "leadrelay",
        integration_user_ids: Iterable[str | None] = (),
        owned_fields: Mapping[str, Iterable[str]] | None = None,
    ) -> LoopGuard:
        """A guard for ``client_name``, the integration user(s) and the owned fields per object."""
        return cls(
            client_name=client_name.casefold(),
            integration_user_ids=frozenset(canonical_id15(user) for user in integration_user_ids if user),
            owned_fields={
                sobject.casefold(): frozenset(name.casefold() for name in names)
                for sobject, names in (owned_fields or {}).items()
            },
        )

    def own_change_reason(self, event: CanonicalEvent) -> str | None:
        """Why ``event`` is leadrelay's own change, or ``None`` when it is not."""
        change = event.change
        if change is None:
            return None
        if self._origin_is_ours(change.change_origin):
            return f"changeOrigin names client={self.client_name}"
        if change.commit_user and canonical_id15(change.commit_user) in self.integration_user_ids:
            return "commitUser is the integration user"
        owned = self.owned_fields.get((event.entity or "").casefold(), frozenset())
        changed = {name.casefold() for name in event.changed_fields} - _SYSTEM_FOLDED
        if changed and owned and changed <= owned and not changed & _ENTERED_FOLDED:
            return "every changed field is owned by leadrelay"
        return None

    def _origin_is_ours(self, origin: str) -> bool:
        """``com/salesforce/api/rest/61.0;client=leadrelay`` (also ``client=leadrelay/1.0``)."""
        for part in origin.split(";"):
            name, _, value = part.strip().partition("=")
            if (
                name.strip().casefold() == "client"
                and value.strip().split("/", 1)[0].casefold() == self.client_name
            ):
                return True
        return False

    def partition(self, events: Sequence[CanonicalEvent]) -> tuple[list[CanonicalEvent], list[Notice]]:
        """The events to keep, and an ``own_change`` notice for each dropped one."""
        kept: list[CanonicalEvent] = []
        dropped: list[Notice] = []
        for event in events:
            reason = self.own_change_reason(event)
            if reason is None:
                kept.append(event)
            else:
                record = (event.change.record_id,) if event.change and event.change.record_id else ()
                dropped.append(Notice(NoticeKind.OWN_CHANGE, reason, f"{event.entity}ChangeEvent", record))
        return kept, dropped
