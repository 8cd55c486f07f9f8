"""Saving one record: field checks in Salesforce's order, per-record faults, system fields, change events."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadrelay_tools.localorg.automation import (
    DuplicateRule,
    LeadAssignmentRules,
    allow_save,
    duplicates_detected,
)
from leadrelay_tools.localorg.changes import WriteContext
from leadrelay_tools.localorg.errors import RecordError, RecordSaveError
from leadrelay_tools.localorg.faults import Faults
from leadrelay_tools.localorg.schema import FieldDef, ObjectDef, Schema
from leadrelay_tools.localorg.store import Store, table
from leadrelay_tools.localorg.values import format_datetime, from_db, to_db

_READ_ONLY = (
    "Unable to create/update fields: {names}. Please check the security settings of this field and verify "
    "that it is read/write for your profile or permission set."
)
_NAMED = ("Lead", "Contact", "User")


class Engine:
    """Create, update, upsert and delete one record; raises ``RecordSaveError`` with Salesforce's errors."""

    def __init__(self, schema: Schema, store: Store, faults: Faults) -> None:
        self.schema, self.store, self.faults = schema, store, faults
        self.assignment = LeadAssignmentRules()
        self.duplicate_rules: list[DuplicateRule] = []

    def create(self, obj: ObjectDef, body: Mapping[str, Any], ctx: WriteContext) -> str:
        """Insert a record; returns its id."""
        values = self._values(obj, body, creating=True)
        for fdef in obj:
            if fdef.name not in values and fdef.default is not None:
                values[fdef.name] = to_db(fdef, fdef.default)
        missing = [f.name for f in obj if f.required and values.get(f.name) is None]
        self._check(obj, values, missing, None, values)
        if (owner := self._assigned_owner(obj, values, ctx)) is not None:
            values["OwnerId"] = owner
        self._check_duplicates(obj, values, ctx)
        record_id = self.store.new_id(obj)
        stamp = format_datetime(ctx.now)
        system = {"Id": record_id, "IsDeleted": 0, "CreatedDate": stamp, "CreatedById": ctx.user_id}
        system |= {"LastModifiedDate": stamp, "LastModifiedById": ctx.user_id, "SystemModstamp": stamp}
        if obj.field("OwnerId") and values.get("OwnerId") is None:
            values["OwnerId"] = ctx.user_id
        row = {k: v for k, v in system.items() if obj.field(k)} | values
        row |= _computed(obj, row)
        self.store.insert(obj, row)
        if not obj.is_event:  # publishing a platform event changes no record
            payload = {k: from_db(obj.fields[k.lower()], v) for k, v in row.items() if v is not None}
            payload.pop("Id", None)
            ctx.record_change(obj.name, record_id, "CREATE", payload, [], [])
        return record_id

    def update(self, obj: ObjectDef, record_id: str, body: Mapping[str, Any], ctx: WriteContext) -> None:
        """Update the live record ``record_id`` (18 characters) with ``body``."""
        before = self.existing(obj, record_id)
        values = self._values(obj, body, creating=False)
        missing = [n for n, v in values.items() if v is None and obj.fields[n.lower()].required]
        self._check(obj, values, missing, record_id, before | values)
        if (owner := self._assigned_owner(obj, before | values, ctx)) is not None:
            values["OwnerId"] = owner
        changed = {k: v for k, v in values.items() if before.get(k) != v}
        changed |= {k: v for k, v in _computed(obj, before | values).items() if before.get(k) != v}
        stamp = format_datetime(ctx.now)
        system = {"LastModifiedDate": stamp, "LastModifiedById": ctx.user_id, "SystemModstamp": stamp}
        self.store.update(obj, record_id, changed | {k: v for k, v in system.items() if obj.field(k)})
        payload = {k: from_db(obj.fields[k.lower()], v) for k, v in changed.items() if v is not None}
        payload["LastModifiedDate"] = stamp
        nulled = [k for k, v in changed.items() if v is None]
        ctx.record_change(obj.name, record_id, "UPDATE", payload, [*changed, "LastModifiedDate"], nulled)

    def upsert(
        self, obj: ObjectDef, ext: FieldDef, ext_value: Any, body: Mapping[str, Any], ctx: WriteContext
    ) -> tuple[str, bool]:
        """Update the one record whose ``ext`` equals ``ext_value`` or create it; returns (id, created)."""
        if ext_value is None or ext_value == "":
            raise RecordSaveError(RecordError("MISSING_ARGUMENT", f"{ext.name} not specified", (ext.name,)))
        matches = self.store.find(obj, ext.name, to_db(ext, ext_value))
        if len(matches) > 1:
            message = f"{ext.display}: more than one record found for external id field: {matches}"
            raise RecordSaveError(RecordError("DUPLICATE_EXTERNAL_ID", message, (ext.name,), status=300))
        fields = {k: v for k, v in body.items() if k.lower() != ext.name.lower()}
        if matches:
            self.update(obj, matches[0], fields, ctx)
            return matches[0], False
        return self.create(obj, {**fields, ext.name: ext_value}, ctx), True

    def delete(self, obj: ObjectDef, record_id: str, ctx: WriteContext) -> None:
        """Move the record to the recycle bin (``IsDeleted`` true)."""
        self._check_faults(obj, record_id, self.existing(obj, record_id))
        self.store.update(obj, record_id, {"IsDeleted": 1, "SystemModstamp": format_datetime(ctx.now)})
        ctx.record_change(obj.name, record_id, "DELETE", {}, [], [])

    def existing(self, obj: ObjectDef, record_id: str) -> dict[str, Any]:
        """The stored live record, or ENTITY_IS_DELETED / INVALID_CROSS_REFERENCE_KEY."""
        row = self.store.get(obj, record_id)
        if row is None:
            raise RecordSaveError(
                RecordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", status=404)
            )
        if row.get("IsDeleted"):
            raise RecordSaveError(RecordError("ENTITY_IS_DELETED", "entity is deleted", status=404))
        return row

    def _assigned_owner(self, obj: ObjectDef, record: Mapping[str, Any], ctx: WriteContext) -> str | None:
        """The owner the lead assignment rule gives an API save of a Lead (``None``: no rule runs)."""
        if obj.name != "Lead" or ctx.api_version == "":
            return None
        rule = self.assignment.rule_for(ctx.auto_assign)
        return rule.owner_for(record) if rule is not None else None

    def _check_duplicates(self, obj: ObjectDef, values: Mapping[str, Any], ctx: WriteContext) -> None:
        """Refuse an API create that an active duplicate rule finds (alert rules yield to allowSave)."""
        if ctx.api_version == "":
            return
        for rule in self.duplicate_rules:
            key = rule.key(values) if rule.sobject == obj.name else None
            if key is None or (rule.action == "alert" and allow_save(ctx.duplicate_rule_header)):
                continue
            matches = [(name, rid) for name in rule.compare_with for rid in self._matching(name, rule, key)]
            if matches:
                raise RecordSaveError(duplicates_detected(rule, matches, ctx.api_version))

    def _matching(self, sobject: str, rule: DuplicateRule, key: tuple[str, ...]) -> list[str]:
        other = self.schema.get(sobject)
        if other is None:
            return []
        sql = f'SELECT * FROM {table(other)} WHERE "IsDeleted" = 0 ORDER BY rowid'  # noqa: S608 - from the schema
        return [row["Id"] for row in self.store.select(other, sql, []) if rule.key(row) == key]

    def _values(self, obj: ObjectDef, body: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
        values: dict[str, Any] = {}
        read_only: list[str] = []
        for key, raw in body.items():
            if key == "attributes" or (key.lower() == "id" and not creating):
                continue
            fdef = obj.field(key)
            if fdef is None:
                message = f"No such column '{key}' on sobject of type {obj.name}"
                raise RecordSaveError(RecordError("INVALID_FIELD", message, parse_error=True))
            if fdef.name == "Id":
                raise RecordSaveError(
                    RecordError("INVALID_FIELD", "cannot specify Id in an insert call", ("Id",))
                )
            if not (fdef.createable if creating else fdef.updateable):
                read_only.append(fdef.name)
                continue
            values[fdef.name] = to_db(fdef, raw)
        if read_only:
            names = ", ".join(read_only)
            raise RecordSaveError(
                RecordError(
                    "INVALID_FIELD_FOR_INSERT_UPDATE", _READ_ONLY.format(names=names), tuple(read_only)
                )
            )
        return values

    def _check(
        self,
        obj: ObjectDef,
        values: Mapping[str, Any],
        missing: list[str],
        record_id: str | None,
        current: Mapping[str, Any],
    ) -> None:
        """The checks after field values: required, references, uniqueness, then injected faults."""
        if missing:
            message = f"Required fields are missing: [{', '.join(missing)}]"
            raise RecordSaveError(RecordError("REQUIRED_FIELD_MISSING", message, tuple(missing)))
        self._check_references(obj, values)
        self._check_unique(obj, values, record_id)
        self._check_faults(obj, record_id, current)

    def _check_references(self, obj: ObjectDef, values: Mapping[str, Any]) -> None:
        for name, value in values.items():
            fdef = obj.fields[name.lower()]
            if fdef.type != "reference" or value is None:
                continue
            target = self.schema.for_id(value)
            if target is None or target.name not in fdef.reference_to:
                message = f"{fdef.display}: id value of incorrect type: {value}"
                raise RecordSaveError(RecordError("FIELD_INTEGRITY_EXCEPTION", message, (fdef.name,)))
            row = self.store.get(target, value)
            if row is None or row.get("IsDeleted"):
                raise RecordSaveError(
                    RecordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", (fdef.name,))
                )

    def _check_unique(self, obj: ObjectDef, values: Mapping[str, Any], record_id: str | None) -> None:
        for name, value in values.items():
            fdef = obj.fields[name.lower()]
            if not fdef.unique or value is None:
                continue
            others = [i for i in self.store.find(obj, fdef.name, value) if i != record_id]
            if others:
                message = (
                    f"duplicate value found: {fdef.name} duplicates value on record with id: {others[0]}"
                )
                raise RecordSaveError(RecordError("DUPLICATE_VALUE", message))

    def _check_faults(self, obj: ObjectDef, record_id: str | None, values: Mapping[str, Any]) -> None:
        error = self.faults.for_record(obj.name, record_id, values)
        if error is not None:
            raise RecordSaveError(error)


def _computed(obj: ObjectDef, row: Mapping[str, Any]) -> dict[str, Any]:
    """Fields Salesforce derives: Name for people, IsClosed for tasks."""
    if obj.name in _NAMED:
        # a Japanese-locale org shows family name first: 山田 太郎
        return {"Name": " ".join(p for p in (row.get("LastName"), row.get("FirstName")) if p) or None}
    if obj.name == "Task":
        return {"IsClosed": int(row.get("Status") == "Completed")}
    return {}
