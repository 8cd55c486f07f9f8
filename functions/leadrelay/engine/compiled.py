"""What compiling a condition produces: the check, the values it reads, its source; and combinators.

``conditions.ConditionCompiler`` builds these; the scoring and lifecycle compilers read them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from msgspec import Struct

from leadrelay.engine.activities import Check, Frame
from leadrelay.engine.codegen import all_of, any_of
from leadrelay.engine.models import Selector
from leadrelay.engine.paths import Getter

Reader = Callable[[Any, Frame], Any]


def never(scope: Any, frame: Frame) -> bool:
    return False


class Compiled(Struct, frozen=True):
    """A compiled condition, the values it reads (by label) for the trace, and its source."""

    check: Check
    reads: tuple[tuple[str, Reader], ...] = ()
    source: str | None = None
    """A Python expression over ``root``, ``frame``, ``now``, the activity ``_a``, its fields
    (``CodeBuilder.activity_field``) and names bound in the compiler's ``CodeBuilder``."""
    keys: frozenset[str] = frozenset()
    """The local variables of the fields it reads (``CodeBuilder.field``/``activity_field``)."""
    pure: bool = True
    """True when the condition depends on nothing but the values of ``keys`` (no time test, no
    aggregate, no nested path or JMESPath), so its result can be cached on those values."""


NEVER = Compiled(never, (), "False")


class ValueRead(Struct, frozen=True):
    """How a condition reads its value: a getter, and for ``lead.X``-style paths the direct lookup."""

    get: Getter
    label: str
    relative: bool
    direct: tuple[str, str] | None = None
    """``(root, key)`` for a root-level ``lead.X`` / ``event.X`` / ``scores.X`` path."""
    key: str | None = None
    """The key, for a one-segment path relative to an activity (``url``)."""


def direct_check(read: ValueRead, test: Callable[[Any], bool]) -> Check | None:
    """A check that does a short lookup itself instead of calling a getter (the common cases)."""
    if read.direct is not None:
        root, key = read.direct
        return lambda scope, frame: test(scope[root].get(key))
    if read.key is not None:
        field = read.key
        return lambda activity, frame: test(activity.get(field))
    return None


class RootField:
    """The reader of a root-level field (``lead.Title``): generated code reads its local instead."""

    __slots__ = ("key", "root")

    def __init__(self, root: str, key: str) -> None:
        self.root, self.key = root, key

    def __call__(self, scope: Any, frame: Frame) -> Any:
        return scope[self.root].get(self.key)


def reader(read: ValueRead) -> Reader:
    """What the trace calls to show the value ``read`` reads."""
    if read.direct is not None:
        return RootField(*read.direct)
    get = read.get
    return lambda scope, frame: get(scope)


def root_field(root: str, key: str) -> Getter:
    """``root[root].get(key)``: the evaluation root always holds the ``ROOT_DICTS`` as dicts."""
    return lambda scope: scope[root].get(key)


def selector_label(kind: str, selector: Selector) -> str:
    """How the trace names an aggregate: ``count(page_view, 30d, where)``."""
    types = "|".join(selector.types) if selector.types else "*"
    window = f", {selector.within.label}" if selector.within else ""
    where = ", where" if selector.where else ""
    return f"{kind}({types}{window}{where})"


def merge_reads(parts: Sequence[Compiled]) -> tuple[tuple[str, Reader], ...]:
    seen: dict[str, Reader] = {}
    for part in parts:
        for label, reader in part.reads:
            seen.setdefault(label, reader)
    return tuple(seen.items())


def inputs(parts: Sequence[Compiled]) -> tuple[frozenset[str], bool]:
    """The activity fields ``parts`` read together, and whether they are all pure."""
    return frozenset().union(*(part.keys for part in parts)), all(part.pure for part in parts)


def all_parts(parts: list[Compiled]) -> Compiled:
    checks = tuple(part.check for part in parts)
    source = _joined(parts, all_of)
    if len(checks) == 1:
        return parts[0]
    if len(checks) == 2:
        first, second = checks
        return Compiled(
            lambda scope, frame: first(scope, frame) and second(scope, frame),
            merge_reads(parts),
            source,
            *inputs(parts),
        )

    def every(scope: Any, frame: Frame) -> bool:
        for check in checks:  # noqa: SIM110 -- a loop is faster than all() over a generator
            if not check(scope, frame):
                return False
        return True

    return Compiled(every, merge_reads(parts), source, *inputs(parts))


def any_parts(parts: list[Compiled]) -> Compiled:
    checks = tuple(part.check for part in parts)
    if len(checks) == 1:
        return parts[0]

    def some(scope: Any, frame: Frame) -> bool:
        for check in checks:  # noqa: SIM110 -- a loop is faster than any() over a generator
            if check(scope, frame):
                return True
        return False

    return Compiled(some, merge_reads(parts), _joined(parts, any_of), *inputs(parts))


def _joined(parts: Sequence[Compiled], join: Callable[[Sequence[str]], str]) -> str | None:
    sources = [part.source for part in parts]
    return None if any(item is None for item in sources) else join([item or "" for item in sources])
