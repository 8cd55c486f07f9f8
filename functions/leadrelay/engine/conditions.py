"""Compiles condition models into plain callables, reporting every problem with its JSON pointer.

Compiling *is* semantic validation: a bad operator value, an invalid regex or JMESPath, or a
reference to an undefined score is reported to the ``CheckContext`` and replaced by a
condition that never holds, so one pass finds every problem in a file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from jmespath.exceptions import JMESPathError

from leadrelay.engine.activities import Check, CompiledSelector, Frame
from leadrelay.engine.codegen import CodeBuilder, all_of, any_of
from leadrelay.engine.codegen import at_least as at_least_source
from leadrelay.engine.diagnostics import CheckContext
from leadrelay.engine.models import (
    AllCondition,
    AnyCondition,
    AtLeastCondition,
    Condition,
    CountCondition,
    ExprCondition,
    FieldCondition,
    NotCondition,
    Operator,
    Selector,
    SumCondition,
)
from leadrelay.engine.operators import (
    NUMERIC_OPERATORS,
    TIME_OPERATORS,
    OperatorValueError,
    time_test,
    value_test,
)
from leadrelay.engine.paths import Getter, dotted_getter, jmespath_getter, split_path
from leadrelay.engine.values import as_number

Reader = Callable[[Any, Frame], Any]
ROOTS: Final = ("lead", "event", "activities", "scores")
ROOT_DICTS: Final = frozenset({"lead", "event", "scores"})
"""Roots that are always dicts in the evaluation root, so ``root[name].get(key)`` cannot fail."""


def _never(scope: Any, frame: Frame) -> bool:
    return False


@dataclass(frozen=True, slots=True)
class Compiled:
    """A compiled condition, the values it reads (by label) for the trace, and its fast-path source."""

    check: Check
    reads: tuple[tuple[str, Reader], ...] = ()
    source: str | None = None
    """A Python expression over ``root``, ``frame``, ``now`` and names bound in the compiler's
    ``CodeBuilder`` (None for per-activity conditions, which stay closures)."""


NEVER = Compiled(_never, (), "False")


@dataclass(frozen=True, slots=True)
class ValueRead:
    """How a condition reads its value: a getter, and for ``lead.X``-style paths the direct lookup."""

    get: Getter
    label: str
    relative: bool
    direct: tuple[str, str] | None = None
    """``(root, key)`` for a root-level ``lead.X`` / ``event.X`` / ``scores.X`` path."""
    key: str | None = None
    """The key, for a one-segment path relative to an activity (``url``)."""


class ConditionCompiler:
    """Compiles the conditions of one rule file.

    ``scores`` names the defined scores when conditions may read ``scores.*`` (lifecycle), or
    is None when they may not (scoring: scores are being computed); ``known_scores`` False
    means the scores are unknown (a lifecycle file validated without its scoring file).
    """

    def __init__(
        self, ctx: CheckContext, *, scores: tuple[str, ...] | None, known_scores: bool = True
    ) -> None:
        self.ctx = ctx
        self.scores = scores
        self.known_scores = known_scores
        self.code = CodeBuilder()
        self.activity_types: set[str] | None = set()
        """Activity types some selector reads (None: every type)."""

    def compile(self, condition: Condition, at: str, *, relative: bool = False) -> Compiled:
        """Compile ``condition`` found at JSON pointer ``at``; paths are relative to an activity if asked."""
        if isinstance(condition, FieldCondition):
            read = self.read(condition.field, f"{at}/field", relative=relative)
            return NEVER if read is None else self._test(read, condition.op, condition.value, at)
        if isinstance(condition, ExprCondition):
            get = self.expr_getter(condition.expr, f"{at}/expr")
            if get is None:
                return NEVER
            return self._test(ValueRead(get, condition.expr, relative), condition.op, condition.value, at)
        if isinstance(condition, CountCondition):
            select = self.selector(condition.count, f"{at}/count")
            label = selector_label("count", condition.count)
            return self._aggregate(condition.op, condition.value, at, label, select.count)
        if isinstance(condition, SumCondition):
            return self._sum(condition, at)
        if isinstance(condition, AllCondition | AnyCondition):
            key = "all" if isinstance(condition, AllCondition) else "any"
            items = condition.all if isinstance(condition, AllCondition) else condition.any
            parts = [self.compile(c, f"{at}/{key}/{i}", relative=relative) for i, c in enumerate(items)]
            return _all(parts) if key == "all" else _any(parts)
        if isinstance(condition, NotCondition):
            inner = self.compile(condition.not_, f"{at}/not", relative=relative)
            check = inner.check
            source = None if inner.source is None else f"(not {inner.source})"
            return Compiled(lambda scope, frame: not check(scope, frame), inner.reads, source)
        return self._at_least(condition, at, relative)

    def source(self, compiled: Compiled) -> str:
        """The fast-path source of a root-level condition (a call of its closure when it has none)."""
        return compiled.source or f"{self.code.bind(compiled.check)}(root, frame)"

    def read(self, path: str, at: str, *, relative: bool) -> ValueRead | None:
        """How to read a plain dotted path, or None (reported) when the path is not usable."""
        segments = split_path(path)
        if segments is None:
            self.ctx.error(at, f'{path!r} is not a plain dotted path; use "expr" for a JMESPath expression')
            return None
        if not relative:
            self._check_root(segments, at)
        direct = key = None
        if not relative and len(segments) == 2 and segments[0] in ROOT_DICTS and not segments[1].isdigit():
            direct = (segments[0], segments[1])
        if relative and len(segments) == 1 and not segments[0].isdigit():
            key = segments[0]
        return ValueRead(dotted_getter(segments), path, relative, direct, key)

    def getter(self, path: str, at: str, *, relative: bool) -> Getter | None:
        """A getter for a plain dotted path, or None (reported) when the path is not usable."""
        read = self.read(path, at, relative=relative)
        return None if read is None else read.get

    def value_source(self, read: ValueRead) -> str:
        """The fast-path source of the value a root-level read returns."""
        if read.direct is not None:
            return self.code.field(*read.direct)
        return f"{self.code.bind(read.get)}(root)"

    def selector(self, selector: Selector, at: str) -> CompiledSelector:
        """Compile an activity selector; its ``where`` reads paths relative to each activity."""
        if selector.types is None:
            self.activity_types = None
        elif self.activity_types is not None:
            self.activity_types.update(selector.types)
        where = self.compile(selector.where, f"{at}/where", relative=True).check if selector.where else None
        window = selector.within.seconds if selector.within else None
        return CompiledSelector(selector.types, window, where)

    def expr_getter(self, expression: str, at: str) -> Getter | None:
        """A getter for a JMESPath expression (compiled now), or None (reported) if it is invalid."""
        try:
            return jmespath_getter(expression)
        except JMESPathError as error:
            self.ctx.error(at, f"invalid JMESPath expression: {_jmespath_problem(error)}")
            return None

    def _check_root(self, segments: list[str], at: str) -> None:
        root = segments[0]
        if root == "scores":
            if self.scores is None:
                self.ctx.error(
                    at, "scoring conditions cannot read scores.*: scores are what these rules compute"
                )
            elif len(segments) != 2 or (self.known_scores and segments[1] not in self.scores):
                defined = ", ".join(self.scores) or "none"
                self.ctx.error(at, f"undefined score {'.'.join(segments[1:])!r} (defined: {defined})")
        elif root not in ROOTS:
            self.ctx.warning(
                at, f"{root!r} is not part of the context ({', '.join(ROOTS)}): it never has a value"
            )

    def _test(self, read: ValueRead, op: Operator, value: Any, at: str) -> Compiled:
        get = read.get
        reads = ((read.label, lambda scope, frame: get(scope)),)
        try:
            if op in TIME_OPERATORS:
                timed = time_test(op, value)
                source = None if read.relative else f"{self.code.bind(timed)}({self.value_source(read)}, now)"
                return Compiled(lambda scope, frame: timed(get(scope), frame.now), reads, source)
            test = value_test(op, value)
        except OperatorValueError as error:
            self.ctx.error(f"{at}/value", str(error))
            return NEVER
        source = None if read.relative else f"{self.code.bind(test)}({self.value_source(read)})"
        check = _direct(read, test) or (lambda scope, frame: test(get(scope)))
        return Compiled(check, reads, source)

    def _sum(self, condition: SumCondition, at: str) -> Compiled:
        select = self.selector(condition.sum, f"{at}/sum")
        of = self.getter(condition.of, f"{at}/of", relative=True)
        if of is None:
            return NEVER
        read = of

        def total(frame: Frame) -> float:
            numbers = (as_number(read(activity)) for _, activity in select(frame))
            return sum(number for number in numbers if number is not None)

        label = f"{selector_label('sum', condition.sum)}.{condition.of}"
        return self._aggregate(condition.op, condition.value, at, label, total)

    def _aggregate(
        self, op: Operator, value: Any, at: str, label: str, measure: Callable[[Frame], float]
    ) -> Compiled:
        if op not in NUMERIC_OPERATORS:
            allowed = ", ".join(sorted(NUMERIC_OPERATORS))
            self.ctx.error(f"{at}/op", f"{op} does not apply to a count or sum; use {allowed}")
            return NEVER
        try:
            test = value_test(op, value)
        except OperatorValueError as error:
            self.ctx.error(f"{at}/value", str(error))
            return NEVER
        source = f"{self.code.bind(test)}({self.code.bind(measure)}(frame))"
        reads = ((label, lambda scope, frame: measure(frame)),)
        return Compiled(lambda scope, frame: test(measure(frame)), reads, source)

    def _at_least(self, condition: AtLeastCondition, at: str, relative: bool) -> Compiled:
        parts = [self.compile(c, f"{at}/of/{i}", relative=relative) for i, c in enumerate(condition.of)]
        needed = condition.at_least
        if needed > len(parts):
            self.ctx.error(f"{at}/at_least", f"at_least {needed} of {len(parts)} conditions can never hold")
        checks = tuple(part.check for part in parts)

        def at_least(scope: Any, frame: Frame) -> bool:
            held = 0
            for check in checks:
                if check(scope, frame):
                    held += 1
                    if held >= needed:
                        return True
            return held >= needed

        sources = [part.source for part in parts]
        source = None
        if all(item is not None for item in sources):
            source = at_least_source(self.code.bind(needed), needed, [item or "" for item in sources])
        return Compiled(at_least, _merge(parts), source)


def _direct(read: ValueRead, test: Callable[[Any], bool]) -> Check | None:
    """A check that does a short lookup itself instead of calling a getter (the common cases)."""
    if read.direct is not None:
        root, key = read.direct
        return lambda scope, frame: test(scope[root].get(key))
    if read.key is not None:
        field = read.key
        return lambda activity, frame: test(activity.get(field))
    return None


def selector_label(kind: str, selector: Selector) -> str:
    """How the trace names an aggregate: ``count(page_view, 30d, where)``."""
    types = "|".join(selector.types) if selector.types else "*"
    window = f", {selector.within.label}" if selector.within else ""
    where = ", where" if selector.where else ""
    return f"{kind}({types}{window}{where})"


def _merge(parts: Sequence[Compiled]) -> tuple[tuple[str, Reader], ...]:
    seen: dict[str, Reader] = {}
    for part in parts:
        for label, reader in part.reads:
            seen.setdefault(label, reader)
    return tuple(seen.items())


def _all(parts: list[Compiled]) -> Compiled:
    checks = tuple(part.check for part in parts)
    source = _joined(parts, all_of)
    if len(checks) == 1:
        return parts[0]
    if len(checks) == 2:
        first, second = checks
        return Compiled(
            lambda scope, frame: first(scope, frame) and second(scope, frame), _merge(parts), source
        )

    def every(scope: Any, frame: Frame) -> bool:
        for check in checks:  # noqa: SIM110 -- a loop is faster than all() over a generator
            if not check(scope, frame):
                return False
        return True

    return Compiled(every, _merge(parts), source)


def _any(parts: list[Compiled]) -> Compiled:
    checks = tuple(part.check for part in parts)
    if len(checks) == 1:
        return parts[0]

    def some(scope: Any, frame: Frame) -> bool:
        for check in checks:  # noqa: SIM110 -- a loop is faster than any() over a generator
            if check(scope, frame):
                return True
        return False

    return Compiled(some, _merge(parts), _joined(parts, any_of))


def _joined(parts: Sequence[Compiled], join: Callable[[Sequence[str]], str]) -> str | None:
    sources = [part.source for part in parts]
    return None if any(item is None for item in sources) else join([item or "" for item in sources])


def _jmespath_problem(error: JMESPathError) -> str:
    message = str(getattr(error, "msg", "") or error).removeprefix("Invalid jmespath expression").strip(": ")
    position = getattr(error, "lex_position", None)
    where = f" at character {position + 1}" if isinstance(position, int) else ""
    return f"{message or 'incomplete expression'}{where}"
