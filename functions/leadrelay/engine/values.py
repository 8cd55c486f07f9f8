"""How the engine reads values out of a context: text, numbers and instants, never raising.

Every reader returns ``None`` for a value it cannot interpret (missing, ``null`` or the wrong
type); operators treat ``None`` as "false". Text is NFKC-normalised, trimmed and case-folded,
so full-width digits and letters (``１０００``, ``ＣＴＯ``) equal their ASCII forms.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import UTC, date, datetime
from typing import Any, Final

_TEXT_CACHE: dict[str, str] = {}
_TEXT_CACHE_LIMIT: Final = 16_384
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")


def fold(text: str) -> str:
    """NFKC-normalise, trim and case-fold ``text`` (memoised: titles and states repeat a lot)."""
    folded = _TEXT_CACHE.get(text)
    if folded is None:
        folded = unicodedata.normalize("NFKC", text).strip().casefold()
        if len(_TEXT_CACHE) >= _TEXT_CACHE_LIMIT:
            _TEXT_CACHE.clear()
        _TEXT_CACHE[text] = folded
    return folded


def nfkc(text: str) -> str:
    """NFKC-normalise ``text`` without case-folding (what regexes see)."""
    return unicodedata.normalize("NFKC", text)


_FLOAT_MAX: Final = 2**1023
"""Below this magnitude every int converts to a finite float."""


def as_number(value: Any) -> float | None:
    """A finite number from an int/float or a numeric string (``"1,000"``, ``"１０００"``); else None.

    Booleans are not numbers here: ``true`` never equals ``1``.
    """
    kind = type(value)
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is int:
        return float(value) if -_FLOAT_MAX < value < _FLOAT_MAX else _finite(value)
    if kind is str:
        text = unicodedata.normalize("NFKC", value).strip()
        return _finite(text.replace(",", "")) if _NUMBER.fullmatch(text) else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _finite(value)
    return None


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (OverflowError, ValueError):
        return None
    return number if math.isfinite(number) else None


def as_bool(value: Any) -> bool | None:
    """A boolean from ``true``/``false`` or the strings ``"true"``/``"false"`` (any case, any width)."""
    if value is True or value is False:
        return bool(value)
    if type(value) is str:
        folded = fold(value)
        if folded == "true":
            return True
        if folded == "false":
            return False
    return None


def as_timestamp(value: Any) -> float | None:
    """Epoch seconds from an aware datetime, an ISO-8601 string, a date or epoch seconds; else None.

    Naive datetimes and ISO strings without an offset are read as UTC; a date-only value
    (``2026-11-20``) means midnight UTC of that day.
    """
    kind = type(value)
    if kind is str:
        return _parse_iso(value)
    if kind is int or kind is float:
        return _finite(value)
    if isinstance(value, datetime):
        return _epoch(value)
    if isinstance(value, date):
        return _epoch(datetime(value.year, value.month, value.day))
    return None


def _parse_iso(text: str) -> float | None:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        try:
            moment = datetime.fromisoformat(unicodedata.normalize("NFKC", text).strip())
        except ValueError:
            return None
    return _epoch(moment)


def _epoch(moment: datetime) -> float | None:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.timestamp()
    except (OverflowError, OSError, ValueError):
        return None


def present(value: Any) -> bool:
    """The ``exists`` test: not missing, not ``null`` and not a blank string."""
    if value is None:
        return False
    if type(value) is str:
        return bool(value.strip())
    return True
