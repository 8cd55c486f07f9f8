"""Generates one Python function per scoring file for the fast path (evaluation without a trace).

The compiled closures (``conditions.py``, ``scoring.py``) are what the trace uses; for the fast
path they are also written out as Python source, so a rule set costs about what a hand-written
function would: each lead field a rule reads is looked up once per evaluation, conditions
become ``and``/``or`` expressions and cases become ``if``/``elif`` chains.

Nothing from a rule file is ever interpolated into the source: every key, constant, test and
getter is bound in the function's namespace under a generated name (``_k12``), and the source
only refers to those names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

INDENT: Final = "    "


class CodeBuilder:
    """Collects the namespace of a generated module and the field reads of the function being written.

    Write a function's body with ``bind``/``field``, then ``define(name, params, body)``; define
    more functions the same way (each reads its own fields) and ``build()`` compiles them all
    at once (one ``compile`` per rule file keeps loading fast).
    """

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {}
        self._reads: dict[tuple[str, str], str] = {}
        self._roots: dict[str, str] = {}
        self._functions: dict[str, str] = {}

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
        exec(compile(source, "<leadrelay rules>", "exec"), namespace)  # noqa: S102 -- our generated source
        functions: dict[str, Callable[..., Any]] = {}
        for name, text in self._functions.items():
            functions[name] = namespace[name]
            functions[name].__doc__ = text
        return functions


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
