"""Compiles condition models into plain callables, reporting every problem with its JSON pointer.

Compiling *is* semantic validation: a bad operator value, an invalid regex or JMESPath, or a
reference to an undefined score is reported to the ``CheckContext`` and replaced by a
condition that never holds, so one pass finds every problem in a file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

from jmespath.exceptions import JMESPathError

from leadrelay.engine.activities import Check, CompiledSelector, Frame
from leadrelay.engine.codegen import CodeBuilder
from leadrelay.engine.codegen import at_least as at_least_source
from leadrelay.engine.compiled import (
    NEVER,
    Compiled,
    Reader,
    RootField,
    ValueRead,
    all_parts,
    any_parts,
    direct_check,
    inputs,
    merge_reads,
    reader,
    root_field,
    selector_label,
)
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

ROOTS: Final = ("lead", "event", "activities", "scores")
ROOT_DICTS: Final = frozenset({"lead", "event", "scores"})
"""Roots that are always dicts in the evaluation root, so ``root[name].get(key)`` cannot fail."""


class ConditionCompiler:
    """Compiles the conditions of one rule file.

    ``scores`` names the defined scores when conditions may read ``scores.*`` (lifecycle), or
    is None when they may not (scoring: scores are being computed); ``known_scores`` False
    means the scores are unknown (a lifecycle file validated without its scoring file).
    """

    def __init__(
        self,
        ctx: CheckContext,
        *,
        scores: tuple[str, ...] | None,
        known_scores: bool = True,
        label: str = "rules",
    ) -> None:
        self.ctx = ctx
        self.scores = scores
        self.known_scores = known_scores
        self.code = CodeBuilder(label)
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
            return all_parts(parts) if key == "all" else any_parts(parts)
        if isinstance(condition, NotCondition):
            inner = self.compile(condition.not_, f"{at}/not", relative=relative)
            check = inner.check
            source = None if inner.source is None else f"(not {inner.source})"
            return Compiled(
                lambda scope, frame: not check(scope, frame), inner.reads, source, inner.keys, inner.pure
            )
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
        get = dotted_getter(segments) if direct is None else root_field(*direct)
        return ValueRead(get, path, relative, direct, key)

    def getter(self, path: str, at: str, *, relative: bool) -> Getter | None:
        """A getter for a plain dotted path, or None (reported) when the path is not usable."""
        read = self.read(path, at, relative=relative)
        return None if read is None else read.get

    def reads_source(self, reads: Sequence[tuple[str, Reader]], extra: Sequence[tuple[str, str]]) -> str:
        """A dict display of the values ``reads`` read (and of ``extra`` sources), by label."""
        items = [
            f"{self.code.bind(label)}: "
            + (
                self.code.field(reader.root, reader.key)
                if isinstance(reader, RootField)
                else f"{self.code.bind(reader)}(root, frame)"
            )
            for label, reader in reads
        ]
        items += [f"{self.code.bind(label)}: {source}" for label, source in extra]
        return "{" + ", ".join(items) + "}"

    def value_source(self, read: ValueRead) -> str:
        """The source of the value a read returns (from ``root``, or from the activity ``_a``)."""
        if read.relative:
            if read.key is not None:
                return self.code.activity_field(read.key)
            return f"{self.code.bind(read.get)}(_a)"
        if read.direct is not None:
            return self.code.field(*read.direct)
        return f"{self.code.bind(read.get)}(root)"

    def selector(self, selector: Selector, at: str) -> CompiledSelector:
        """Compile an activity selector; its ``where`` reads paths relative to each activity."""
        return self.selector_parts(selector, at)[0]

    def selector_parts(self, selector: Selector, at: str) -> tuple[CompiledSelector, Compiled | None]:
        """The compiled selector and its compiled ``where`` (None without one)."""
        if selector.types is None:
            self.activity_types = None
        elif self.activity_types is not None:
            self.activity_types.update(selector.types)
        where = self.compile(selector.where, f"{at}/where", relative=True) if selector.where else None
        window = selector.within.seconds if selector.within else None
        return CompiledSelector(selector.types, window, None if where is None else where.check), where

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
        reads = ((read.label, reader(read)),)
        source_of_value = self.value_source(read)
        simple = read.key is not None if read.relative else read.direct is not None
        keys = frozenset((source_of_value,)) if simple else frozenset()
        try:
            if op in TIME_OPERATORS:
                timed = time_test(op, value)
                source = f"{self.code.bind(timed)}({source_of_value}, now)"
                check: Check = lambda scope, frame: timed(get(scope), frame.now)  # noqa: E731
                return Compiled(check, reads, source, keys, pure=False)
            test = value_test(op, value)
        except OperatorValueError as error:
            self.ctx.error(f"{at}/value", str(error))
            return NEVER
        source = f"{self.code.bind(test)}({source_of_value})"
        check = direct_check(read, test) or (lambda scope, frame: test(get(scope)))
        return Compiled(check, reads, source, keys, pure=simple)

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
        return Compiled(lambda scope, frame: test(measure(frame)), reads, source, pure=False)

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
        return Compiled(at_least, merge_reads(parts), source, *inputs(parts))


def _jmespath_problem(error: JMESPathError) -> str:
    message = str(getattr(error, "msg", "") or error).removeprefix("Invalid jmespath expression").strip(": ")
    position = getattr(error, "lex_position", None)
    where = f" at character {position + 1}" if isinstance(position, int) else ""
    return f"{message or 'incomplete expression'}{where}"
