"""Salesforce field values: how Python values are sent, and when two values are the same stored value.

Salesforce stores an empty text as ``null``, a number without its type (``30`` is ``30.0``) and a
datetime to the millisecond, and returns datetimes as ``2026-11-21T05:17:00.000+0000``. The write
planner compares through :func:`same_value` so that none of these differences causes a write.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

NUMERIC_TYPES = frozenset({"int", "double", "currency", "percent"})
"""Salesforce field types (as describe() names them) whose values are JSON numbers."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NUMBER_TEXT = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def is_blank(value: Any) -> bool:
    """``None`` or the empty string: what Salesforce stores as ``null``."""
    return value is None or value == ""


def salesforce_value(value: Any) -> Any:
    """``value`` as JSON Salesforce accepts: datetimes in UTC to the millisecond, dates as ISO dates.

    Naive datetimes are taken as UTC. Enums become their values; integral floats and decimals become
    ints (``30.0`` → ``30``); everything else is returned unchanged.
    """
    if isinstance(value, datetime):
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return int(value) if value.is_finite() and value == value.to_integral_value() else float(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def number_from_text(text: str) -> int | float | None:
    """The number a person typed: full-width digits and commas, thousands separators and blanks allowed
    (``"１，２００"`` → ``1200``, ``" 3.5 "`` → ``3.5``); None when ``text`` is not a number."""
    normal = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if not _NUMBER_TEXT.match(normal):
        return None
    value = Decimal(normal.replace(",", ""))
    return int(value) if value == value.to_integral_value() and "." not in normal else float(value)


def coerce_value(value: Any, field_type: str) -> Any:
    """``value`` as a field of ``field_type`` takes it: a numeric field's text becomes its number
    (:func:`number_from_text`); ``ValueError`` names a text that is no number. Other values unchanged."""
    if field_type not in NUMERIC_TYPES or not isinstance(value, str) or is_blank(value):
        return value
    number = number_from_text(value)
    if number is None:
        raise ValueError(f"{value!r} is not a number")
    return number


def same_value(current: Any, desired: Any) -> bool:
    """True when writing ``desired`` over ``current`` (as read from Salesforce) would change nothing.

    ``None``, a missing value and ``""`` are the same; numbers compare numerically (``30 == 30.0``,
    never equal to ``True``); datetimes compare as instants to the millisecond, also against
    Salesforce's ISO strings; dates against ``YYYY-MM-DD`` strings; other values after
    :func:`salesforce_value`.
    """
    if is_blank(current) or is_blank(desired):
        return is_blank(current) and is_blank(desired)
    if isinstance(current, bool) or isinstance(desired, bool):
        return type(current) is type(desired) and current == desired
    if _is_number(current) and _is_number(desired):
        return float(current) == float(desired)
    if _is_instant(current) or _is_instant(desired):
        return _millis(current) == _millis(desired) is not None
    return bool(salesforce_value(current) == salesforce_value(desired))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _is_instant(value: Any) -> bool:
    """A datetime, or a string Salesforce would return for one."""
    if isinstance(value, datetime):
        return True
    return isinstance(value, str) and _ISO_DATETIME.match(value) is not None


def _millis(value: Any) -> int | None:
    """Milliseconds since the epoch, truncated as Salesforce stores them (exact integer arithmetic)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value
    return (moment - _EPOCH) // timedelta(milliseconds=1)
