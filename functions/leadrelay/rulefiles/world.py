"""The world the rules run in, as data: the org's fields, the canonical event model, MA payloads.

Validation checks every path, activity type and mapping target against a :class:`World`; the
caller builds it (``leadrelay rules validate`` from the standard fields, ``infra/salesforce/`` and
an optional field list exported from the org), so checking stays free of I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from msgspec import Struct, field
from msgspec.structs import replace

from leadrelay.domain.events import ActivityType, CanonicalEvent, EventSource
from leadrelay.rulefiles.catalogue import FieldCatalogue, standard_catalogue

ACTIVITY_KEYS = ("id", "type", "occurred_at", "source")
"""What every activity record has (``CanonicalEvent.activity_record``)."""
ACTIVITY_ATTRIBUTES = (
    "url",
    "title",
    "asset",
    "asset_type",
    "campaign",
    "format",
    "form",
    "duration_minutes",
    "source_system",
    "activity_label",
    "salesforce_event",
)
"""The canonical activity attributes the shipped sources send (docs/rules-admin.md); a mapping's
``attributes`` add their own names."""
HUBSPOT_EVENT_FIELDS = (
    "eventId subscriptionId portalId appId occurredAt subscriptionType eventType attemptNumber objectId "
    "objectTypeId changeFlag changeSource sourceId propertyName propertyValue messageId messageType "
    "primaryObjectId mergedObjectIds newObjectId numberOfPropertiesMoved associationType fromObjectId "
    "toObjectId associationRemoved isPrimaryAssociation"
)
"""The keys of one HubSpot Webhooks API event (developers.hubspot.com, webhooks payloads)."""
PAYLOAD_FIELDS: Mapping[str, frozenset[str]] = {
    EventSource.HUBSPOT.value: frozenset(HUBSPOT_EVENT_FIELDS.split())
}
"""Source → the keys its webhook events have, where the vendor fixes them (Marketo and Account
Engagement webhooks are templates the admin writes, so their keys are not checked)."""


class World(Struct, frozen=True):
    """What rule files may name: record fields, activity types and fields, event fields, payload keys."""

    catalogue: FieldCatalogue = field(default_factory=standard_catalogue)
    activity_types: frozenset[str] = frozenset(item.value for item in ActivityType)
    activity_fields: frozenset[str] = frozenset((*ACTIVITY_KEYS, *ACTIVITY_ATTRIBUTES))
    event_fields: frozenset[str] = frozenset(CanonicalEvent.model_fields)
    payload_fields: Mapping[str, frozenset[str]] = field(default_factory=lambda: dict(PAYLOAD_FIELDS))
    knows_custom_fields: bool = False
    """False until a DX project or an org's field list is added: custom (``__c``) names go unchecked."""

    def with_catalogue(self, catalogue: FieldCatalogue) -> World:
        """This world with ``catalogue``'s objects and fields (custom ones included) added."""
        return replace(self, catalogue=self.catalogue.merged(catalogue), knows_custom_fields=True)

    def with_activity_fields(self, names: Iterable[str]) -> World:
        """This world with more activity attribute names (a mapping's ``attributes``)."""
        return replace(self, activity_fields=self.activity_fields | frozenset(names))
