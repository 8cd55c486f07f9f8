"""Run a parsed SOQL query against the SQLite store: field checks, typed filters, ORDER BY, LIMIT."""

from __future__ import annotations

from typing import Any

from leadrelay_tools.localorg.errors import ApiError
from leadrelay_tools.localorg.ids import normalize_id
from leadrelay_tools.localorg.schema import FieldDef, ObjectDef, Schema
from leadrelay_tools.localorg.soql import (
    LIKE_PERCENT,
    LIKE_UNDERSCORE,
    Condition,
    Literal,
    Logical,
    Query,
    soql_error,
)
from leadrelay_tools.localorg.store import column, table
from leadrelay_tools.localorg.values import format_datetime, parse_datetime

_NO_COLUMN = (
    "No such column '{field}' on entity '{entity}'. If you are attempting to use a custom field, be sure "
    "to append the '__c' after the custom field name. Please reference your WSDL or the describe call for "
    "the appropriate names."
)
_NO_TYPE = (
    "sObject type '{entity}' is not supported. If you are attempting to use a custom object, be sure to "
    "append the '__c' after the entity name. Please reference your WSDL or the describe call for the "
    "appropriate names."
)
_SQL_OPS = {"=": "IS", "!=": "IS NOT", "<": "<", ">": ">", "<=": "<=", ">=": ">="}


class CompiledQuery:
    """A SOQL query checked against the schema and turned into SQL with parameters."""

    def __init__(self, schema: Schema, soql: str, query: Query, *, include_deleted: bool = False) -> None:
        self.soql = soql
        obj = schema.get(query.sobject)
        if obj is None or obj.is_event:
            raise soql_error("INVALID_TYPE", _NO_TYPE.format(entity=query.sobject), soql, query.sobject_pos)
        self.obj: ObjectDef = obj
        self.count_only = query.count_only
        self.fields = [self._field(name, pos) for name, pos in query.fields]
        self.params: list[Any] = []
        where = ["1 = 1" if include_deleted else '"IsDeleted" = 0']
        if query.where is not None:
            where.append(self._condition(query.where))
        order = [
            f"{column(self._field(o.field, o.pos).name)} {'DESC' if o.descending else 'ASC'}"
            + ("" if o.nulls_first is None else (" NULLS FIRST" if o.nulls_first else " NULLS LAST"))
            for o in query.order
        ] or ["rowid"]
        select = "COUNT(*) AS n" if self.count_only else ", ".join(column(f.name) for f in self.fields)
        self.sql = f"SELECT {select} FROM {table(obj)} WHERE {' AND '.join(where)}"  # noqa: S608 - identifiers from the schema, values bound
        if not self.count_only:
            self.sql += f" ORDER BY {', '.join(order)}"
            self.sql += f" LIMIT {query.limit if query.limit is not None else -1}"
            self.sql += f" OFFSET {query.offset or 0}"

    def _field(self, name: str, pos: int) -> FieldDef:
        fdef = self.obj.field(name)
        if fdef is None:
            message = _NO_COLUMN.format(field=name, entity=self.obj.name)
            raise soql_error("INVALID_FIELD", message, self.soql, pos)
        return fdef

    def _condition(self, node: Condition | Logical) -> str:
        if isinstance(node, Logical):
            if node.op == "NOT":
                return f"NOT ({self._condition(node.items[0])})"
            return "(" + f" {node.op} ".join(self._condition(item) for item in node.items) + ")"
        fdef = self._field(node.field, node.pos)
        col = column(fdef.name)
        if node.op == "LIKE":
            if not fdef.is_text:
                raise self._filter_error(f"invalid operator on field '{fdef.name}': LIKE", node.pos)
            self.params.append(_like_pattern(self._value(fdef, node.values[0], like=True)))
            return f"{col} LIKE ? ESCAPE '\\'"
        if node.op in ("IN", "NOT IN"):
            values = [self._value(fdef, v) for v in node.values]
            self.params.extend(values)
            marks = ", ".join("?" for _ in values)
            return f"{col} {node.op} ({marks})"  # NOT IN leaves nulls out, unlike !=
        value = self._value(fdef, node.values[0])
        if value is None and fdef.type == "boolean":
            value = 0  # a checkbox is never null: `= null` matches false
        self.params.append(value)
        if value is None and node.op not in ("=", "!="):
            return "0 = 1"
        return f"{col} {_SQL_OPS[node.op]} ?"

    def _filter_error(self, text: str, pos: int) -> ApiError:
        return soql_error("INVALID_QUERY_FILTER_OPERATOR", text, self.soql, pos)

    def _value(self, fdef: FieldDef, lit: Literal, *, like: bool = False) -> Any:
        """The stored form of a literal compared with ``fdef``, or a SOQL type error."""
        if lit.kind == "null":
            return None
        expected = _expected_kind(fdef)
        if lit.kind != expected and not (expected == "number" and lit.kind == "number"):
            quoted = "be enclosed in quotes" if expected == "string" else "not be enclosed in quotes"
            kind = _type_name(fdef)
            text = f"value of filter criterion for field '{fdef.name}' must be of type {kind}"
            text += f" and should {quoted}"
            raise self._filter_error(text, lit.pos)
        if fdef.is_id:
            normalized = normalize_id(lit.value)
            if normalized is None:
                raise self._filter_error(f"invalid ID field: {lit.value}", lit.pos)
            return normalized
        if lit.kind == "boolean":
            return int(lit.value)
        if lit.kind == "datetime":
            moment = parse_datetime(lit.value)
            if moment is None:
                raise soql_error("MALFORMED_QUERY", f"invalid datetime: {lit.value}", self.soql, lit.pos)
            return format_datetime(moment)
        if lit.kind == "string" and not like:
            return lit.value.replace(LIKE_PERCENT, "%").replace(LIKE_UNDERSCORE, "_")
        return lit.value


def _expected_kind(fdef: FieldDef) -> str:
    if fdef.is_text or fdef.is_id:
        return "string"
    if fdef.type == "boolean":
        return "boolean"
    if fdef.type in ("date", "datetime"):
        return fdef.type
    return "number"


def _type_name(fdef: FieldDef) -> str:
    return {"datetime": "dateTime", "id": "id", "reference": "reference"}.get(fdef.type, fdef.type)


def _like_pattern(value: str) -> str:
    """A SOQL LIKE pattern as an SQLite pattern with ``\\`` as the escape character."""
    escaped = value.replace("\\", "\\\\")
    return escaped.replace(LIKE_PERCENT, "\\%").replace(LIKE_UNDERSCORE, "\\_")
