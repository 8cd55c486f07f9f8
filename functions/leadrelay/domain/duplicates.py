"""When the org's duplicate rules refuse a record leadrelay creates: apply the event to the record they name.

Salesforce answers a create that an active duplicate rule refuses with ``DUPLICATES_DETECTED`` and the
records it matched. Creating again would fail the same way and dead-lettering would lose the event's
effect, so :func:`link_to_duplicate` turns the refused create into an update of the matched record:
a record of the same object first, else the first match (a Lead's duplicate may be a Contact). Only
fields leadrelay owns are written (an update never sets the MA's or people's fields), and write-once
fields are left alone, since the existing record may already hold them.
"""

from __future__ import annotations

from leadrelay.domain.errors import DuplicateMatch, ErrorDetail
from leadrelay.domain.ownership import OwnershipMap
from leadrelay.domain.writes import WriteKind, WriteOp

DUPLICATES_DETECTED = "DUPLICATES_DETECTED"


def link_to_duplicate(op: WriteOp, error: ErrorDetail, ownership: OwnershipMap) -> WriteOp | None:
    """The update that applies ``op`` to the record a duplicate rule named, or ``None`` when ``op`` was
    not a create refused as a duplicate (or the matched object is one leadrelay does not write)."""
    if error.status_code != DUPLICATES_DETECTED or op.kind is WriteKind.UPDATE or not error.duplicates:
        return None
    target = _preferred(op.sobject, error.duplicates)
    owners = ownership.for_object(target.sobject)
    if owners is None:
        return None
    fields = {
        name: value
        for name, value in op.fields.items()
        if owners.may_write(name, creating=False) and not owners.is_write_once(name)
    }
    return WriteOp(
        ref=op.ref,
        sobject=target.sobject,
        kind=WriteKind.UPDATE,
        fields=fields,
        record_id=target.record_id,
        event_keys=op.event_keys,
    )


def _preferred(sobject: str, matches: tuple[DuplicateMatch, ...]) -> DuplicateMatch:
    return next((match for match in matches if match.sobject == sobject), matches[0])
