"""The field-ownership map (``rules/ownership.json``, kind ``ownership``): the source of truth per field.

Every Salesforce field leadrelay may touch has exactly one owner:

* ``leadrelay`` — scores, lifecycle stage, stage reason, MQL time, rules version, score reasons, SLA
  fields. leadrelay writes them; nobody else should.
* ``ma`` — the MA tool's minimal sync set (name, e-mail, company, phone, lead source). leadrelay may set
  them when it *creates* a record from an MA event, and never overwrites them afterwards.
* ``people`` — owner, status, the BANT checkboxes. leadrelay reads them and never writes them.

``outputs`` maps the parts of a :class:`~leadrelay.engine.decision.Decision` to leadrelay's fields;
:func:`check_ownership` finds maps that contradict themselves (a field owned twice, an output written
to a field leadrelay does not own).
"""

from collections.abc import Iterator
from enum import StrEnum
from typing import Annotated, Literal

from msgspec import Struct
from pydantic import Field, StringConstraints

from leadrelay.domain.decision_outputs import DecisionOutputs, FieldName
from leadrelay.engine.diagnostics import CheckContext, pointer
from leadrelay.engine.file_models import RuleFile, Strict

DECIDED_OBJECTS = ("Lead", "Contact")
"""The objects the rules decide about: every decision output must be leadrelay's on each of them."""


class FieldOwner(StrEnum):
    """The source of truth for a field."""

    LEADRELAY = "leadrelay"
    MA = "ma"
    PEOPLE = "people"


class ObjectOwnership(Strict):
    """The owners of one Salesforce object's fields."""

    external_id_field: FieldName | None = None
    """The leadrelay-owned external-id field new records are upserted by (``LR_External_Key__c``)."""
    leadrelay: tuple[FieldName, ...] = ()
    ma: tuple[FieldName, ...] = ()
    people: tuple[FieldName, ...] = ()
    write_once: tuple[FieldName, ...] = ()
    """leadrelay fields written only while empty (``LR_MQL_At__c``: the *first* entry into MQL)."""
    on_create: tuple[FieldName, ...] = ()
    """People's fields leadrelay may set when it creates the record, never afterwards (``OwnerId``:
    the owner the event names; from then on the owner belongs to people)."""
    routed: tuple[FieldName, ...] = ()
    """People's fields leadrelay sets when it routes a lead at the MQL hand-off (``OwnerId``), never
    otherwise: routing hands the lead to a person, who owns it from then on."""

    def owners_of(self, field: str) -> tuple[FieldOwner, ...]:
        """Every owner that lists ``field`` (compared case-insensitively, as Salesforce does)."""
        key = field.casefold()
        return tuple(
            owner
            for owner in FieldOwner
            if any(name.casefold() == key for name in getattr(self, owner.value))
        )

    def owner_of(self, field: str) -> FieldOwner | None:
        """The one owner of ``field``; ``None`` when nobody or more than one owner lists it."""
        owners = self.owners_of(field)
        return owners[0] if len(owners) == 1 else None

    def spelling(self, field: str) -> str:
        """``field`` as the map spells it (``lr_fit_score__c`` → ``LR_Fit_Score__c``)."""
        key = field.casefold()
        for owner in FieldOwner:
            for name in getattr(self, owner.value):
                if name.casefold() == key:
                    return str(name)
        return field

    def listed_fields(self) -> tuple[str, ...]:
        """Every field the map lists (what a reader should fetch so the planner can compare them)."""
        return (*self.leadrelay, *self.ma, *self.people)

    def is_write_once(self, field: str) -> bool:
        """True for fields written only while they are empty."""
        return any(name.casefold() == field.casefold() for name in self.write_once)

    def is_set_on_create(self, field: str) -> bool:
        """True for people's fields leadrelay sets when it creates a record (``on_create``)."""
        return any(name.casefold() == field.casefold() for name in self.on_create)

    def may_write(self, field: str, *, creating: bool, routing: bool = False) -> bool:
        """The one write policy: updates touch only leadrelay's fields; creating a record may also set
        the MA tool's fields and the people's fields listed under ``on_create`` (nothing is
        overwritten); routing a lead may set the people's fields listed under ``routed``."""
        owner = self.owner_of(field)
        if owner is FieldOwner.LEADRELAY:
            return True
        if routing and any(name.casefold() == field.casefold() for name in self.routed):
            return True
        return creating and (owner is FieldOwner.MA or self.is_set_on_create(field))


AUTO_ASSIGN_OFF = "FALSE"
"""``Sforce-Auto-Assign`` that keeps the org's lead assignment rules out of a write."""


class LeadAssignment(Strict):
    """Whether the org's lead assignment rules may run when leadrelay writes a Lead.

    Salesforce's REST API runs the active lead assignment rule on every Lead create **and update**
    unless the request says ``Sforce-Auto-Assign: FALSE``, so a score update could silently take a
    lead from its owner. leadrelay therefore sends ``FALSE`` on every write; only Lead creates may
    opt in, for teams that keep routing in Salesforce: ``"active_rule"`` (``TRUE``: the active rule)
    or an AssignmentRule id (``01Q…``: that rule).
    """

    on_create: (
        Literal["none", "active_rule"]
        | Annotated[str, StringConstraints(pattern=r"^01Q[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$")]
    ) = "none"

    @property
    def create_header(self) -> str:
        """The ``Sforce-Auto-Assign`` value for a request that creates Leads."""
        if self.on_create == "none":
            return AUTO_ASSIGN_OFF
        return "TRUE" if self.on_create == "active_rule" else self.on_create


class DuplicateHandling(Strict):
    """What leadrelay does when the org's duplicate rules refuse a record it creates.

    ``link`` (default): the event is applied to the existing record Salesforce names (leadrelay's own
    fields only, write-once fields left alone): no second record, nothing lost. ``allow_save``: creates
    also send ``Sforce-Duplicate-Rule-Header: allowSave=true``, so rules whose action is *alert* let
    the record be saved (for orgs that review duplicates in Salesforce); rules that *block* still
    refuse, and the event is linked.
    """

    on_create: Literal["link", "allow_save"] = "link"


class OwnershipMap(RuleFile):
    """``rules/ownership.json``: the owners of each object's fields and where Decisions are written."""

    kind: Literal["ownership"] = "ownership"
    description: str | None = None
    objects: dict[Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")], ObjectOwnership]
    """Salesforce object API name (``Lead``, ``Contact``) → owners of its fields."""
    outputs: DecisionOutputs = Field(default_factory=DecisionOutputs)
    lead_assignment: LeadAssignment = Field(default_factory=LeadAssignment)
    """When the org's lead assignment rules may run (never on updates; on creates only by choice)."""
    duplicate_rules: DuplicateHandling = Field(default_factory=DuplicateHandling)
    """When the org's duplicate rules refuse a create: link to the existing record, or save past alerts."""

    def for_object(self, sobject: str) -> ObjectOwnership | None:
        """The ownership of ``sobject`` (case-insensitive), ``None`` if the map does not cover it."""
        key = sobject.casefold()
        return next((obj for name, obj in self.objects.items() if name.casefold() == key), None)


class OwnershipIssue(Struct, frozen=True):
    """One contradiction in an ownership map, located by JSON pointer (``/objects/Lead/ma/2``)."""

    pointer: str
    message: str


def check_ownership(ownership: OwnershipMap) -> list[OwnershipIssue]:
    """Semantic errors the schema cannot express: double owners, outputs to fields leadrelay does not own."""
    issues: list[OwnershipIssue] = []
    for sobject, obj in ownership.objects.items():
        issues.extend(_check_object(sobject, obj))
    issues.extend(_check_outputs(ownership))
    return issues


def check_ownership_file(model: OwnershipMap, ctx: CheckContext) -> None:
    """The ``ownership`` kind's checker for ``leadrelay rules validate`` (see :func:`check_ownership`)."""
    for issue in check_ownership(model):
        ctx.error(issue.pointer, issue.message)


def _check_object(sobject: str, obj: ObjectOwnership) -> Iterator[OwnershipIssue]:
    seen: dict[str, str] = {}
    for owner in FieldOwner:
        for index, name in enumerate(getattr(obj, owner.value)):
            where = pointer("objects", sobject, owner.value, index)
            first = seen.setdefault(name.casefold(), where)
            if first != where:
                yield OwnershipIssue(where, f"{sobject}.{name} is owned twice (also at {first})")
    for where, field in _leadrelay_fields(sobject, obj):
        problem = _not_leadrelays(sobject, obj, field)
        if problem and len(obj.owners_of(field)) < 2:  # a double owner is reported above
            yield OwnershipIssue(where, problem)


def _leadrelay_fields(sobject: str, obj: ObjectOwnership) -> Iterator[tuple[str, str]]:
    if obj.external_id_field is not None:
        yield pointer("objects", sobject, "external_id_field"), obj.external_id_field
    for index, name in enumerate(obj.write_once):
        yield pointer("objects", sobject, "write_once", index), name


def _check_outputs(ownership: OwnershipMap) -> Iterator[OwnershipIssue]:
    mapped: dict[str, str] = {}
    for parts, field in ownership.outputs.targets():
        where = pointer("outputs", *parts)
        first = mapped.setdefault(field.casefold(), where)
        if first != where:
            yield OwnershipIssue(where, f"{field} is already the target of {first}")
        for sobject, obj in ownership.objects.items():
            problem = _not_leadrelays(sobject, obj, field) if sobject in DECIDED_OBJECTS else None
            if problem:
                yield OwnershipIssue(where, problem)


def _not_leadrelays(sobject: str, obj: ObjectOwnership, field: str) -> str | None:
    owners = obj.owners_of(field)
    if owners == (FieldOwner.LEADRELAY,):
        return None
    held = "owned by " + " and ".join(owner.value for owner in owners) if owners else "not in the map"
    return f"{sobject}.{field} is {held}; leadrelay writes only fields it alone owns"
