"""When the org's duplicate rules refuse a record leadrelay creates: apply the event to the record they name.

Salesforce answers a create that an active duplicate rule refuses with ``DUPLICATES_DETECTED`` and the
records it matched. Creating again would fail the same way and dead-lettering would lose the event's
effect, so :func:`link_to_duplicate` turns the refused create into an update of the matched record:
a record of the same object first, else the first match (a Lead's duplicate may be a Contact). Only
fields leadrelay owns are written (an update never sets the MA's or people's fields), and write-once
fields are left alone, since the existing record may already hold them.

``LR_External_Key__c`` is a unique External ID: Salesforce refuses a second record with the same key
(``DUPLICATE_VALUE``). leadrelay gives an existing record its history key the first time it writes it
(``writeplan``); when another record already holds that key (two Leads of one address, one of them
created by leadrelay), :func:`without_taken_key` writes the same update again without the key: the
record keeps no key, and its history stays under its e-mail as before.
"""

from __future__ import annotations

from leadrelay.domain.errors import DuplicateMatch, ErrorDetail
from leadrelay.domain.ownership import OwnershipMap
from leadrelay.domain.writes import WriteKind, WriteOp

DUPLICATES_DETECTED = "DUPLICATES_DETECTED"
DUPLICATE_VALUE = "DUPLICATE_VALUE"


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


def without_taken_key(op: WriteOp, error: ErrorDetail, ownership: OwnershipMap) -> WriteOp | None:
    """``op`` without the external key another record already holds, when that is why Salesforce
    refused the update (``DUPLICATE_VALUE`` naming the field); ``None`` otherwise."""
    owners = ownership.for_object(op.sobject)
    id_field = owners.external_id_field if owners else None
    if error.status_code != DUPLICATE_VALUE or op.kind is not WriteKind.UPDATE or not id_field:
        return None
    named = id_field.casefold() in (name.casefold() for name in error.fields) or id_field.casefold() in (
        error.message.casefold()
    )
    if not named or id_field not in op.fields:
        return None
    fields = {name: value for name, value in op.fields.items() if name != id_field}
    return op.model_copy(update={"fields": fields}) if fields else None
