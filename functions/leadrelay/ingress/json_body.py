"""A webhook body as JSON that every later step can keep: bounded depth, finite numbers, encodable text.

``json.loads`` accepts things that break later steps: ``1e999`` becomes ``inf`` (which the queue
message would carry as ``null``), ``NaN`` and ``Infinity`` are not JSON at all, a lone UTF-16
surrogate escape (``"\\ud83d"``, what a JavaScript sender leaves when it cuts an emoji in half)
becomes text that cannot be encoded as UTF-8, and deep nesting (200 levels and more) cannot be
serialised or read back by the processor. :func:`load_json` settles each of these at the door:

* nesting deeper than :data:`MAX_DEPTH` objects and arrays is a rejection naming the limit and the path;
* a number that is not finite (``1e999``, ``-1e999``, ``NaN``, ``Infinity``) is a rejection naming its path;
* a lone surrogate is replaced by U+FFFD, as any UTF-8 encoder does: the text was already broken
  when it was sent, and replacing it costs nothing else.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any

from leadrelay.ingress.results import IngressError
from leadrelay.ingress.values import jpath

MAX_DEPTH = 32
"""Objects and arrays nested deeper than this are refused (the top-level value is level 1). Real
payloads use fewer than 10; DynamoDB documents stop at 32 too."""

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_KEY_SHOWN = 40
"""Object keys in an error's path are cut to this many characters (the path is echoed and logged)."""

Path = tuple[Any, str | int] | None
"""A JSON path as a linked list ``(parent, key)``, built only when it is needed for a message."""


def load_json(text: str) -> Any:
    """``text`` parsed, checked and with lone surrogates replaced; raises a ``malformed`` rejection."""
    try:
        value = json.loads(text, parse_constant=float)
    except json.JSONDecodeError as exc:
        raise IngressError(
            f"body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", path="$"
        ) from exc
    except RecursionError as exc:
        raise IngressError(_too_deep(), path="$") from exc
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise IngressError("body holds a number too long to read", path="$") from exc
    return settled(value)


def settled(value: Any) -> Any:
    """An already parsed JSON value held to the same rules as :func:`load_json` (depth, finite
    numbers, lone surrogates replaced): for deliveries that arrive parsed, such as EventBridge's."""
    if _check(value):
        return _replace_surrogates(value)
    return value


def _too_deep() -> str:
    return f"is nested deeper than {MAX_DEPTH} levels of objects and arrays (the limit is {MAX_DEPTH})"


def _check(root: Any) -> bool:
    """Raise for too deep nesting or a non-finite number; ``True`` when some text has a lone surrogate."""
    surrogates = False
    stack: list[tuple[Any, int, Path]] = [(root, 1, None)]
    while stack:
        value, depth, path = stack.pop()
        if isinstance(value, str):
            surrogates = surrogates or _LONE_SURROGATE.search(value) is not None
        elif isinstance(value, float) and not math.isfinite(value):
            raise IngressError(
                "is not a finite number (NaN, Infinity and numbers beyond ±1.8e308 cannot be kept)",
                path=_render(path),
            )
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise IngressError(_too_deep(), path=_render(path))
            for key, child in _children(value):
                if isinstance(key, str):
                    surrogates = surrogates or _LONE_SURROGATE.search(key) is not None
                stack.append((child, depth + 1, (path, key)))
    return surrogates


def _children(value: dict[str, Any] | list[Any]) -> Iterator[tuple[str | int, Any]]:
    """Last child first: popped from the stack, the first in the document is checked first."""
    if isinstance(value, dict):
        return reversed(value.items())
    return ((index, value[index]) for index in range(len(value) - 1, -1, -1))


def _render(path: Path) -> str:
    keys: list[str | int] = []
    while path is not None:
        path, key = path
        keys.append(key)
    text = "$"
    for key in reversed(keys):
        text = jpath(text, key if isinstance(key, int) else key[:_KEY_SHOWN])
    return text


def encodable(text: str) -> str:
    """``text`` with U+FFFD for every lone surrogate, so that it encodes as UTF-8."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def _replace_surrogates(value: Any) -> Any:
    """A copy with U+FFFD for every lone surrogate (recursion is safe: the depth is checked)."""
    if isinstance(value, str):
        return encodable(value)
    if isinstance(value, dict):
        return {_replace_surrogates(key): _replace_surrogates(child) for key, child in value.items()}
    if isinstance(value, list):
        return [_replace_surrogates(child) for child in value]
    return value
