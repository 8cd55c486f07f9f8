"""The ``mapping`` rule-file kind (``rules/mappings/<provider>.json``): a webhook payload → canonical events.

Every expression is JMESPath, evaluated against one event of the payload (``events`` selects the list
of events from the whole body). Expressions are compiled when the file is read; a broken one is an
error located at its key. See docs/ingress.md for the provider files shipped and the generic format.
"""

from typing import Annotated, Literal, Self

import jmespath
from jmespath.exceptions import JMESPathError
from pydantic import AfterValidator, Field, StringConstraints, field_validator, model_validator

from leadrelay.domain.decision_outputs import FieldName
from leadrelay.domain.events import ActivityType, EventSource
from leadrelay.engine.file_models import RuleFile, Strict
from leadrelay.ingress.values import TimeFormat, parse_timezone


def _compiles(expression: str) -> str:
    try:
        jmespath.compile(expression)
    except JMESPathError as exc:
        raise ValueError(f"not a valid JMESPath expression: {exc}") from exc
    return expression


JMESPath = Annotated[str, StringConstraints(min_length=1, max_length=2000), AfterValidator(_compiles)]
"""A JMESPath expression (``occurredAt``, ``join(':', [to_string(leadId), sentAt])``)."""
ProviderName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,39}$")]
"""The provider's name in the URL (``POST /webhooks/<provider>``) and in the secrets."""


class SignatureSpec(Strict):
    """How requests of this provider are authenticated (see the signature schemes in docs/ingress.md)."""

    scheme: Literal["hubspot", "shared_secret", "hmac_sha256"]
    header: str = Field(
        default="X-Leadrelay-Secret",
        pattern=r"^[A-Za-z0-9-]{1,100}$",
        description="shared_secret: the header carrying the secret.",
    )
    hubspot_versions: tuple[Literal["v1", "v2", "v3"], ...] = Field(
        default=("v3",),
        min_length=1,
        description="hubspot: accepted signature versions; v1/v2 carry no timestamp (replayable).",
    )
    max_age_seconds: int = Field(default=300, ge=30, le=3600, description="Oldest timestamp accepted.")
    secret: ProviderName | None = Field(
        default=None, description="Key of the provider's secret in the webhook secrets (default: provider)."
    )


class TimeSpec(Strict):
    """When the event happened."""

    path: JMESPath | None = Field(default=None, description="Omit to use the time the request arrived.")
    format: TimeFormat = "auto"
    timezone: str = Field(
        default="UTC", description="For times without an offset: UTC, +09:00 or an IANA name."
    )
    fallback_to_received: bool = Field(
        default=False, description="Use the arrival time when the path finds nothing (otherwise reject)."
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        parse_timezone(value)
        return value


class TypeSpec(Strict):
    """Which activity the event is: a value looked up in ``values``, else an activity type by name."""

    path: JMESPath | None = Field(default=None, description="Omit to give every event the default type.")
    values: dict[str, ActivityType] = Field(
        default_factory=dict, description="Provider value → activity type (HubSpot subscriptionType…)."
    )
    default: ActivityType | None = Field(
        default=None, description="For values neither in `values` nor an activity type; omit to reject them."
    )

    @model_validator(mode="after")
    def _path_or_default(self) -> Self:
        if self.path is None and self.default is None:
            raise ValueError("type needs a path, a default, or both")
        return self


class IdentitySpec(Strict):
    """Who the event is about; at least one expression, and at least one value per event."""

    email: JMESPath | None = None
    salesforce_id: JMESPath | None = None
    ma_id: JMESPath | None = None


class MappingFile(RuleFile):
    """``rules/mappings/<provider>.json``: one provider's payload → canonical activity events."""

    kind: Literal["mapping"] = "mapping"
    provider: ProviderName
    description: str | None = None
    source: EventSource
    signature: SignatureSpec
    events: JMESPath = Field(
        default="@", description="The list of events in the body (an object is one event)."
    )
    max_events: int = Field(
        default=100, ge=1, le=1000, description="More events in one request are rejected."
    )
    filter: JMESPath | None = Field(default=None, description="Events for which it is falsy are skipped.")
    idempotency_key: JMESPath = Field(description="Stable across retries; stored as `<provider>:<value>`.")
    occurred_at: TimeSpec
    type: TypeSpec
    identity: IdentitySpec
    attributes: dict[str, JMESPath] = Field(default_factory=dict, description="Activity details by name.")
    attributes_from: JMESPath | None = Field(default=None, description="An object merged into attributes.")
    fields: dict[FieldName, JMESPath] = Field(default_factory=dict, description="Salesforce field → value.")
    fields_from: JMESPath | None = Field(
        default=None, description="An object of Salesforce fields merged in."
    )

    @field_validator("identity")
    @classmethod
    def _some_identity(cls, value: IdentitySpec) -> IdentitySpec:
        if not (value.email or value.salesforce_id or value.ma_id):
            raise ValueError("identity needs at least one of email, salesforce_id, ma_id")
        return value
