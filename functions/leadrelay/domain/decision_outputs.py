"""Where the parts of a :class:`~leadrelay.engine.decision.Decision` are written (``ownership.json`` →
``outputs``): scores, stage, MQL time, reasons, attribution, the SLA clock's fields.

Every field named here must be one leadrelay owns; :func:`leadrelay.domain.ownership.check_ownership`
holds the map to that.
"""

from collections.abc import Iterator
from typing import Annotated

from pydantic import Field, StringConstraints

from leadrelay.engine.file_models import Strict

FieldName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=80)]
"""A Salesforce API field name (``LR_Fit_Score__c``, ``Email``)."""


class MqlAtOutput(Strict):
    """Where the time of the first entry into the MQL stage goes."""

    field: FieldName
    stage: str = "MQL"


class ScoreReasonsOutput(Strict):
    """Where the readable top reasons of the scores go (one line per rule hit)."""

    field: FieldName
    top: int = Field(default=5, ge=1, le=50)
    max_length: int = Field(default=32768, ge=1)
    """The field's length; longer text is cut (a Long Text Area holds 32,768 characters)."""


class AttributionOutput(Strict):
    """Where the first and last touch go at the MQL hand-off (``domain/attribution.py``)."""

    first_source: FieldName
    first_campaign: FieldName
    last_source: FieldName
    last_campaign: FieldName


class SlaOutput(Strict):
    """Where a routed lead's first SLA deadline and the clock's status go (``LR_SLA_Due_At__c``…)."""

    due_at: FieldName
    status: FieldName
    open_value: str = Field(default="On Track", min_length=1, description="The status of a running clock.")
    closed_value: str = Field(
        default="Closed", min_length=1, description="The status once a lead is recycled."
    )
    met_value: str = Field(default="Met", min_length=1, description="The status once first contact is made.")
    breached_value: str = Field(default="Breached", min_length=1)
    escalated_value: str = Field(default="Escalated", min_length=1)
    started_at: FieldName | None = None
    """When the clock started (the routing time); the SLA monitor counts every timer from it."""
    actions: FieldName | None = None
    """The timers already acted on (``sla.first_contact/remind …``): the monitor never acts twice."""
    breached_at: FieldName | None = None
    first_contact_at: FieldName | None = None

    def clock_fields(self) -> Iterator[tuple[str, str]]:
        """``(part, field)`` of every field the SLA clock uses, the status and due time included."""
        for part in ("due_at", "status", "started_at", "actions", "breached_at", "first_contact_at"):
            value = getattr(self, part)
            if value is not None:
                yield part, value


class DecisionOutputs(Strict):
    """Which leadrelay field each part of a Decision is written to (omit a part to not write it)."""

    scores: dict[str, FieldName] = Field(default_factory=dict)
    """Score name (``fit``, ``engagement``) → field."""
    stage: FieldName | None = None
    stage_reason: FieldName | None = None
    """The reason code of the last stage transition (set by backward transitions, cleared by others)."""
    mql_at: MqlAtOutput | None = None
    ruleset_version: FieldName | None = None
    score_reasons: ScoreReasonsOutput | None = None
    routing_reason: FieldName | None = None
    """Where routing writes why the lead went to its owner (``LR_Routing_Reason__c``)."""
    attribution: AttributionOutput | None = None
    sales_active: FieldName | None = None
    """Set true at the MQL hand-off; the MA's connector syncs it back so nurture e-mails stop."""
    sla: SlaOutput | None = None

    def targets(self) -> Iterator[tuple[tuple[str, ...], str]]:
        """``(key path, field)`` per mapped output: ``(("scores", "fit"), "LR_Fit_Score__c")``."""
        for name, field in self.scores.items():
            yield ("scores", name), field
        for name in ("stage", "stage_reason", "ruleset_version", "routing_reason", "sales_active"):
            value = getattr(self, name)
            if value is not None:
                yield (name,), value
        if self.mql_at is not None:
            yield ("mql_at", "field"), self.mql_at.field
        if self.score_reasons is not None:
            yield ("score_reasons", "field"), self.score_reasons.field
        if self.sla is not None:
            for part, field in self.sla.clock_fields():
                yield ("sla", part), field
        if self.attribution is not None:
            for part in ("first_source", "first_campaign", "last_source", "last_campaign"):
                yield ("attribution", part), getattr(self.attribution, part)
