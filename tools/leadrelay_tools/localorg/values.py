"""Field values: checking and converting what a client writes, and turning stored values back into JSON."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from leadrelay_tools.localorg.errors import RecordError, RecordSaveError
from leadrelay_tools.localorg.ids import normalize_id
from leadrelay_tools.localorg.schema import FieldDef

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def format_datetime(moment: datetime) -> str:
    """Salesforce's JSON datetime form: ``2024-04-01T09:00:00.000+0000`` (UTC, milliseconds)."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def parse_datetime(text: str) -> datetime | None:
    """An ISO-8601 datetime (``Z``, ``+09:00`` or ``+0900`` offsets; naive means UTC), or ``None``."""
    candidate = text.strip()
    if re.search(r"[+-]\d{4}$", candidate):
        candidate = candidate[:-2] + ":" + candidate[-2:]
    try:
        moment = datetime.fromisoformat(candidate.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _fail(code: str, fdef: FieldDef, text: str) -> RecordSaveError:
    return RecordSaveError(RecordError(code, f"{fdef.display}: {text}", (fdef.name,)))


def _wrong_type(fdef: FieldDef, value: Any) -> RecordSaveError:
    return _fail("INVALID_TYPE_ON_FIELD_IN_RECORD", fdef, f"value not of required type: {value}")


def to_db(fdef: FieldDef, value: Any) -> Any:
    """The stored form of ``value`` for ``fdef``; raises ``RecordSaveError`` with Salesforce's error."""
    if value is None or value == "":
        return False if fdef.type == "boolean" else None
    if fdef.is_text:
        return _text(fdef, value)
    if fdef.is_id:
        if not isinstance(value, str) or (normalized := normalize_id(value)) is None:
            raise _fail("MALFORMED_ID", fdef, f"id value of incorrect type: {value}")
        return normalized
    if fdef.type == "boolean":
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return int(value.lower() == "true")
        raise _wrong_type(fdef, value)
    if fdef.type in ("double", "currency", "percent", "int"):
        return _number(fdef, value)
    if fdef.type == "date":
        if isinstance(value, str) and _DATE_RE.match(value):
            try:
                return date.fromisoformat(value).isoformat()
            except ValueError:
                pass
        raise _wrong_type(fdef, value)
    if fdef.type == "datetime":
        moment = parse_datetime(value) if isinstance(value, str) else None
        if moment is None:
            raise _wrong_type(fdef, value)
        return format_datetime(moment)
    raise _wrong_type(fdef, value)


def _text(fdef: FieldDef, value: Any) -> str:
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        raise _wrong_type(fdef, value)
    limit = fdef.length or 255
    if len(value) > limit:
        shown = value if len(value) <= 100 else value[:100] + "(truncated)"
        raise _fail("STRING_TOO_LONG", fdef, f"data value too large: {shown} (max length={limit})")
    if fdef.restricted and value not in fdef.picklist:
        raise _fail(
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            fdef,
            f"bad value for restricted picklist field: {value}",
        )
    if fdef.type == "email" and not _EMAIL_RE.match(value):
        raise _fail("INVALID_EMAIL_ADDRESS", fdef, f"invalid email address: {value}")
    return value


def _number(fdef: FieldDef, value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _wrong_type(fdef, value)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise _wrong_type(fdef, value) from None
    if not number.is_finite():
        raise _wrong_type(fdef, value)
    scale = 0 if fdef.type == "int" else (fdef.scale if fdef.scale is not None else 2)
    number = number.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)
    digits = (fdef.precision or 18) - scale
    if fdef.type != "int" and abs(number) >= Decimal(10) ** digits:
        raise _fail(
            "NUMBER_OUTSIDE_VALID_RANGE", fdef, f"value outside of valid range on numeric field: {value}"
        )
    return int(number) if fdef.type == "int" else float(number)


def from_db(fdef: FieldDef, value: Any) -> Any:
    """The JSON value Salesforce returns for a stored value."""
    if value is None:
        return None
    if fdef.type == "boolean":
        return bool(value)
    if fdef.type in ("double", "currency", "percent"):
        return float(value)
    if fdef.type == "int":
        return int(value)
    return value


def sql_type(fdef: FieldDef) -> str:
    """The SQLite column declaration for ``fdef`` (text compares case-insensitively, as in SOQL)."""
    if fdef.type in ("boolean", "int"):
        return "INTEGER"
    if fdef.type in ("double", "currency", "percent"):
        return "REAL"
    return "TEXT COLLATE NOCASE" if fdef.is_text or fdef.is_id else "TEXT"
