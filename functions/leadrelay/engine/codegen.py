"""Generates the Python functions that evaluate a rule file: the one evaluation path.

A scoring file becomes one function (and each lifecycle transition one), so a rule set costs
about what a hand-written function would: each lead field a rule reads is looked up once per
evaluation, conditions become ``and``/``or`` expressions, cases become ``if``/``elif`` chains and
the activities of each type are walked once for every rule that reads them. The trace is an
optional output of the same code (``hits``), never a second path.

Nothing from a rule file is ever interpolated into the source: every key, constant, test and
getter is bound in the function's namespace under a generated name (``_k12``), and the source
only refers to those names. Each rule's lines are tagged (``tag``) so that an exception raised
while evaluating is traced back to the rule, and the source is registered with ``linecache``
so a traceback shows the generated lines.
"""

from __future__ import annotations

import itertools
import linecache
import re
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, Final

INDENT: Final = "    "
CACHE_LIMIT: Final = 4096
"""Results ``remembered`` per cache (cleared when full)."""
_TAG: Final = re.compile(r"^\s*# @(-?\d+)$")
_MODULES = itertools.count(1)


class CodeBuilder:
    """Collects the namespace of a generated module and the field reads of the function being written.

    Write a function's body with ``bind``/``field``, then ``define(name, params, body)``; define
    more functions the same way (each reads its own fields) and ``build()`` compiles them all
    at once (one ``compile`` per rule file keeps loading fast).
    """

    def __init__(self, label: str = "rules") -> None:
        self.namespace: dict[str, Any] = {}
        self.filename = f"<leadrelay {label} #{next(_MODULES)}>"
        """The name tracebacks show for the generated code (its source is in ``linecache``)."""
        self.activity_fields: dict[str, str] = {}
        """The local variable holding each activity field a per-activity condition reads."""
        self._reads: dict[tuple[str, str], str] = {}
        self._roots: dict[str, str] = {}
        self._functions: dict[str, str] = {}
        self._tags: list[int] = []
        self._lines: list[str] = []

    def bind(self, value: Any) -> str:
        """A name under which ``value`` is available to the generated code."""
        name = f"_k{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def field(self, root: str, key: str) -> str:
        """The local variable holding ``root[key]`` (read once, at the start of the function)."""
        found = self._reads.get((root, key))
        if found is None:
            if root not in self._roots:
                self._roots[root] = f"_root{len(self._roots)}"
            found = self._reads[(root, key)] = f"_v{len(self._reads)}"
        return found

    def activity_field(self, key: str) -> str:
        """The local variable holding ``_a.get(key)`` inside an activity loop (``activity_reads``)."""
        found = self.activity_fields.get(key)
        if found is None:
            found = self.activity_fields[key] = f"_f{len(self.activity_fields)}"
        return found

    def activity_reads(self, variables: Sequence[str]) -> list[str]:
        """Statements reading, from the activity ``_a``, the fields held in ``variables``."""
        keys = {variable: key for key, variable in self.activity_fields.items()}
        return [f"{variable} = _a.get({self.bind(keys[variable])})" for variable in variables]

    def prologue(self) -> list[str]:
        """Statements reading the root dicts and every field the rules read."""
        lines = [f"{variable} = root[{self.bind(root)}]" for root, variable in self._roots.items()]
        lines += [
            f"{variable} = {self._roots[root]}.get({self.bind(key)})"
            for (root, key), variable in self._reads.items()
        ]
        return lines

    def define(self, name: str, params: str, body: Sequence[str]) -> None:
        """Add ``def name(params): body`` (after reading the fields it uses) to the module."""
        lines = [f"def {name}({params}):", *(INDENT + line for line in [*self.prologue(), *body])]
        self._functions[name] = "\n".join(lines) + "\n"
        self._reads, self._roots = {}, {}

    def build(self) -> dict[str, Callable[..., Any]]:
        """Compile every defined function in one go; returns them by name (each keeps its source as doc)."""
        source = "\n".join(self._functions.values())
        namespace = dict(self.namespace)
        exec(compile(source, self.filename, "exec"), namespace)  # noqa: S102 -- our generated source
        self._lines = source.splitlines(keepends=True)
        linecache.cache[self.filename] = (len(source), None, self._lines, self.filename)
        functions: dict[str, Callable[..., Any]] = {}
        for name, text in self._functions.items():
            functions[name] = namespace[name]
            functions[name].__doc__ = text
        return functions

    def locate(self, error: BaseException) -> int | None:
        """The tag of the generated line ``error`` was raised from (deepest such frame), if any."""
        found = None
        tags = self._line_tags()
        trace: TracebackType | None = error.__traceback__
        while trace is not None:
            if trace.tb_frame.f_code.co_filename == self.filename and 0 < trace.tb_lineno <= len(tags):
                found = tags[trace.tb_lineno - 1]
            trace = trace.tb_next
        return None if found is None or found < 0 else found

    def _line_tags(self) -> list[int]:
        """The rule tag of each generated line (read from the tag comments when first asked: on an error)."""
        if not self._tags:
            tag = -1
            for line in self._lines:
                found = _TAG.match(line)
                tag = int(found.group(1)) if found else tag
                self._tags.append(tag)
        return self._tags


def remembered(code: CodeBuilder, target: str, variables: Sequence[str], value: Sequence[str]) -> list[str]:
    """Lines setting ``target`` to the expression ``value`` (one or more lines), cached on ``variables``.

    Only for an expression that depends on nothing but the values of ``variables`` and never
    raises. The cache is used when each value is a string or None (the common case: titles,
    states, URLs); other values are computed each time (``True`` and ``1`` are equal keys).
    """
    key = "(" + "".join(f"{variable}, " for variable in variables) + ")"
    cacheable = " and ".join(f"(type({v}) is str or {v} is None)" for v in variables) or "True"
    cache = code.bind({})
    return [
        f"_ok = {cacheable}",
        f"{target} = {cache}.get({key}) if _ok else None",
        f"if {target} is None:",
        f"    {target} = {value[0]}",
        *indent(value[1:], 1),
        f"    if _ok: {code.bind(remember)}({cache}, {key}, {target})",  # a miss: rare, so a call
    ]


def remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    """Store ``value`` under ``key`` in a ``remembered`` cache (emptied first when it is full)."""
    if len(cache) >= CACHE_LIMIT:
        cache.clear()
    cache[key] = value


def tag(number: int) -> str:
    """A comment line tagging the lines after it as rule ``number``'s (-1: no rule's)."""
    return f"# @{number}"


def indent(lines: Sequence[str], depth: int = 1) -> list[str]:
    """``lines`` indented ``depth`` levels deeper."""
    return [INDENT * depth + line for line in lines]


def all_of(parts: Sequence[str]) -> str:
    """The source of a conjunction (``True`` when empty)."""
    return "(" + " and ".join(parts) + ")" if parts else "True"


def any_of(parts: Sequence[str]) -> str:
    """The source of a disjunction (``False`` when empty)."""
    return "(" + " or ".join(parts) + ")" if parts else "False"


def at_least(name: str, needed: int, parts: Sequence[str]) -> str:
    """The source of "at least ``needed`` (bound as ``name``) of ``parts`` hold"."""
    if needed <= 0:
        return "True"
    if needed > len(parts):
        return "False"
    if needed == 1:
        return any_of(parts)
    if needed == len(parts):
        return all_of(parts)
    return "((" + " + ".join(f"(1 if {part} else 0)" for part in parts) + f") >= {name})"
