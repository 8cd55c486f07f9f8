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

from leadrelay.core.rules.activities import Check, Frame, Select, compile_selector
from leadrelay.core.rules.diagnostics import CheckContext
from leadrelay.core.rules.models import (
    AllCondition,
    AnyCondition,
    AtLeastCondition,
    Condition,
    CountCondition,
    ExprCondition,
    FieldCondition,
    NotCondition,
    Selector,
    SumCondition,
)
from leadrelay.core.rules.operators import TIME_OPERATORS, OperatorValueError, time_test, value_test
from leadrelay.core.rules.paths import Getter, dotted_getter, jmespath_getter, split_path
from leadrelay.core.rules.values import as_number

Reader = Callable[[Any, Frame], Any]
ROOTS: Final = ("lead", "event", "activities", "scores")
NUMERIC_OPERATORS: Final = frozenset({"eq", "ne", "lt", "lte", "gt", "gte", "in"})


def _never(scope: Any, frame: Frame) -> bool:
    return False


@dataclass(frozen=True, slots=True)
class Compiled:
    """A compiled condition and the values it reads (by label), for the trace."""

    check: Check
    reads: tuple[tuple[str, Reader], ...] = ()


NEVER = Compiled(_never)


class ConditionCompiler:
    """Compiles the conditions of one rule file.

    ``scores`` names the defined scores when conditions may read ``scores.*`` (lifecycle), or
    is None when they may not (scoring: scores are being computed); ``known_scores`` False
    means the scores are unknown (a lifecycle file validated without its scoring file).
    """

    def __init__(
        self, ctx: CheckContext, *, scores: frozenset[str] | None, known_scores: bool = True
    ) -> None:
        self.ctx = ctx
        self.scores = scores
        self.known_scores = known_scores
        self.activity_types: set[str] | None = set()
        """Activity types some selector reads (None: every type)."""

    def compile(self, condition: Condition, at: str, *, relative: bool = False) -> Compiled:
        """Compile ``condition`` found at JSON pointer ``at``; paths are relative to an activity if asked."""
        if isinstance(condition, FieldCondition):
            return self._field(condition, at, relative)
        if isinstance(condition, ExprCondition):
            return self._expr(condition, at)
        if isinstance(condition, CountCondition):
            select = self.selector(condition.count, f"{at}/count")
            return self._aggregate(
                condition.op, condition.value, at, selector_label("count", condition.count), _counter(select)
            )
        if isinstance(condition, SumCondition):
            return self._sum(condition, at)
        if isinstance(condition, AllCondition):
            return _all(
                [self.compile(c, f"{at}/all/{i}", relative=relative) for i, c in enumerate(condition.all)]
            )
        if isinstance(condition, AnyCondition):
            return _any(
                [self.compile(c, f"{at}/any/{i}", relative=relative) for i, c in enumerate(condition.any)]
            )
        if isinstance(condition, NotCondition):
            inner = self.compile(condition.not_, f"{at}/not", relative=relative)
            check = inner.check
            return Compiled(lambda scope, frame: not check(scope, frame), inner.reads)
        return self._at_least(condition, at, relative)

    def getter(self, path: str, at: str, *, relative: bool) -> Getter | None:
        """A getter for a plain dotted path, or None (reported) when the path is not usable."""
        segments = split_path(path)
        if segments is None:
            self.ctx.error(at, f'{path!r} is not a plain dotted path; use "expr" for a JMESPath expression')
            return None
        if not relative:
            self._check_root(segments, at)
        return dotted_getter(segments)

    def selector(self, selector: Selector, at: str) -> Select:
        """Compile an activity selector; its ``where`` reads paths relative to each activity."""
        if selector.types is None:
            self.activity_types = None
        elif self.activity_types is not None:
            self.activity_types.update(selector.types)
        where = self.compile(selector.where, f"{at}/where", relative=True).check if selector.where else None
        window = selector.within.seconds if selector.within else None
        return compile_selector(selector.types, window, where)

    def _check_root(self, segments: list[str], at: str) -> None:
        root = segments[0]
        if root == "scores":
            if self.scores is None:
                self.ctx.error(
                    at, "scoring conditions cannot read scores.*: scores are what these rules compute"
                )
            elif len(segments) != 2 or (self.known_scores and segments[1] not in self.scores):
                defined = ", ".join(sorted(self.scores)) or "none"
                self.ctx.error(at, f"undefined score {'.'.join(segments[1:])!r} (defined: {defined})")
        elif root not in ROOTS:
            self.ctx.warning(
                at, f"{root!r} is not part of the context ({', '.join(ROOTS)}): it never has a value"
            )

    def _field(self, condition: FieldCondition, at: str, relative: bool) -> Compiled:
        get = self.getter(condition.field, f"{at}/field", relative=relative)
        return NEVER if get is None else self._test(get, condition.op, condition.value, at, condition.field)

    def expr_getter(self, expression: str, at: str) -> Getter | None:
        """A getter for a JMESPath expression (compiled now), or None (reported) if it is invalid."""
        try:
            return jmespath_getter(expression)
        except JMESPathError as error:
            self.ctx.error(at, f"invalid JMESPath expression: {_one_line(error)}")
            return None

    def _expr(self, condition: ExprCondition, at: str) -> Compiled:
        get = self.expr_getter(condition.expr, f"{at}/expr")
        return NEVER if get is None else self._test(get, condition.op, condition.value, at, condition.expr)

    def _test(self, get: Getter, op: str, value: Any, at: str, label: str) -> Compiled:
        reads = ((label, lambda scope, frame: get(scope)),)
        try:
            if op in TIME_OPERATORS:
                timed = time_test(op, value)
                return Compiled(lambda scope, frame: timed(get(scope), frame.now), reads)
            test = value_test(op, value)
        except OperatorValueError as error:
            self.ctx.error(f"{at}/value", str(error))
            return NEVER
        return Compiled(lambda scope, frame: test(get(scope)), reads)

    def _sum(self, condition: SumCondition, at: str) -> Compiled:
        select = self.selector(condition.sum, f"{at}/sum")
        of = self.getter(condition.of, f"{at}/of", relative=True)
        if of is None:
            return NEVER
        read = of

        def total(frame: Frame) -> float:
            numbers = (as_number(read(activity)) for _, activity in select(frame))
            return sum(number for number in numbers if number is not None)

        return self._aggregate(
            condition.op, condition.value, at, f"{selector_label('sum', condition.sum)}.{condition.of}", total
        )

    def _aggregate(
        self, op: str, value: Any, at: str, label: str, measure: Callable[[Frame], float]
    ) -> Compiled:
        if op not in NUMERIC_OPERATORS:
            self.ctx.error(
                f"{at}/op",
                f"{op} does not apply to a count or sum; use {', '.join(sorted(NUMERIC_OPERATORS))}",
            )
            return NEVER
        try:
            test = value_test(op, value)
        except OperatorValueError as error:
            self.ctx.error(f"{at}/value", str(error))
            return NEVER
        return Compiled(
            lambda scope, frame: test(measure(frame)), ((label, lambda scope, frame: measure(frame)),)
        )

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

        return Compiled(at_least, _merge(parts))


def _counter(select: Select) -> Callable[[Frame], float]:
    return lambda frame: len(select(frame))


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
    if len(checks) == 1:
        return parts[0]
    if len(checks) == 2:
        first, second = checks
        return Compiled(lambda scope, frame: first(scope, frame) and second(scope, frame), _merge(parts))

    def every(scope: Any, frame: Frame) -> bool:
        for check in checks:  # noqa: SIM110 -- a loop is faster than all() over a generator
            if not check(scope, frame):
                return False
        return True

    return Compiled(every, _merge(parts))


def _any(parts: list[Compiled]) -> Compiled:
    checks = tuple(part.check for part in parts)
    if len(checks) == 1:
        return parts[0]

    def some(scope: Any, frame: Frame) -> bool:
        for check in checks:  # noqa: SIM110 -- a loop is faster than any() over a generator
            if check(scope, frame):
                return True
        return False

    return Compiled(some, _merge(parts))


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())
