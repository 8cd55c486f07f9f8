"""Which fields the pipeline reads for each Lead and Contact it looks up.

Per object: the identity fields, every field the ownership map names (the planner compares leadrelay's
fields with what Salesforce holds; rules read the others) and the ``lead.*`` fields the rules read
(Lead-only standard fields are left out for Contact).

A rule may name a field the org does not have (a custom field not deployed yet, a standard field of a
newer API version). Salesforce then rejects the whole query with ``INVALID_FIELD`` (the gateway raises
``UnknownFieldError`` naming it); the pipeline drops that one field — rules see it as missing, which
they handle — logs it once and asks again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from leadrelay.domain.identity import IDENTITY_FIELDS, PersonObject, fields_for
from leadrelay.domain.ownership import FieldOwner, OwnershipMap

logger = logging.getLogger(__name__)

PERSON_OBJECTS: tuple[PersonObject, ...] = ("Lead", "Contact")


class PersonFields:
    """The fields read per object, less those the org turned out not to have."""

    def __init__(self, ownership: OwnershipMap, rule_fields: Iterable[str] = ()) -> None:
        wanted = list(rule_fields)
        self._fields: dict[PersonObject, tuple[str, ...]] = {}
        for sobject in PERSON_OBJECTS:
            obj = ownership.for_object(sobject)
            owned = [name for owner in FieldOwner for name in getattr(obj, owner.value)] if obj else []
            self._fields[sobject] = fields_for(sobject, [*owned, *wanted])
        self.dropped: list[str] = []
        """``Object.Field`` names dropped because the org does not have them."""

    def __getitem__(self, sobject: PersonObject) -> tuple[str, ...]:
        return self._fields[sobject]

    def drop_unknown(self, sobject: PersonObject, field: str) -> bool:
        """Drop a field the org does not have; ``False`` when it is not one to drop (leadrelay's own)."""
        name = field.casefold()
        if name in {f.casefold() for f in IDENTITY_FIELDS[sobject]}:
            return False  # leadrelay's own fields must exist: a deployment problem, not a rule's
        kept = tuple(f for f in self._fields[sobject] if f.casefold() != name)
        if kept == self._fields[sobject]:
            return False
        self._fields[sobject] = kept
        self.dropped.append(f"{sobject}.{field}")
        logger.warning("%s.%s does not exist in the org: rules reading it see it as missing", sobject, field)
        return True
