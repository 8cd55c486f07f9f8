"""The layers the tree shows, in one direction; a pure core; no import cycles.

``functions/leadrelay`` is what ships to Lambda, in layers (lowest first): the rule **engine**, the
**domain** (identity, ownership, write planning, failures, dead letters…), **ingress** parsing,
**rulefiles** (the kind registry, loading and validating ``rules/``), the **ports**, the
**pipeline**, the **adapters**, the **settings**, the composition root (**bootstrap**) and the
**handlers**. A module imports only from its own package or from lower layers. ``tools/
leadrelay_tools`` (the CLI, the local org, replay, the demo) sits above them all and never ships.
"""

from __future__ import annotations
import __future__

import ast
import functools
import importlib
import inspect
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_ROOTS = (ROOT / "functions", ROOT / "tools")
LAYERS = (
    "leadrelay.bytecode_archive",  # installed by the package itself, before anything else is imported
    "leadrelay.regex_snapshot",  # installed by the package itself, before anything compiles a pattern
    "leadrelay.deferred_modules",  # registered by the package itself, before any library is imported
    "leadrelay.engine",
    "leadrelay.domain",
    "leadrelay.ingress",
    "leadrelay.rulefiles",
    "leadrelay.ports",
    "leadrelay.pipeline",
    "leadrelay.adapters",
    "leadrelay.settings",
    "leadrelay.bootstrap",
    "leadrelay.handlers",
    "leadrelay_tools",
)
"""Lowest first: a module may import from its own layer and the layers before it."""
PURE = ("leadrelay.engine", "leadrelay.domain", "leadrelay.ingress", "leadrelay.pipeline")
"""No I/O libraries, no AWS, no Salesforce client, no adapters (the pipeline takes ports)."""
CLOCK_FREE = ("leadrelay.engine", "leadrelay.domain", "leadrelay.ingress")
"""Take ``now`` as an argument; never read the clock."""
IO_MODULES = (
    "boto3",
    "botocore",
    "aws_lambda_powertools",
    "simple_salesforce",
    "requests",
    "urllib3",
    "socket",
    "sqlite3",
    "subprocess",
    "hubspot",
)
LAZY_IMPORTS_ALLOWED = ("leadrelay_tools.cli",)
"""The CLI loads a command's modules when the command runs (optional extras, start-up time)."""


@dataclass(frozen=True)
class Import:
    """One import statement's target, as seen from ``module``."""

    module: str
    target: str
    line: int
    in_function: bool


def _modules() -> dict[str, Path]:
    found = {}
    for root in PACKAGE_ROOTS:
        for path in root.rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[0] not in ("leadrelay", "leadrelay_tools"):
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _imports(module: str, path: Path) -> Iterator[Import]:
    def visit(node: ast.AST, in_function: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield Import(module, alias.name, child.lineno, in_function)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                for alias in child.names:  # `from pkg import submodule` depends on the submodule
                    sub = f"{child.module}.{alias.name}"
                    yield Import(module, sub if sub in MODULES else child.module, child.lineno, in_function)
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            yield from visit(child, nested)

    yield from visit(ast.parse(path.read_text(encoding="utf-8")), False)


@functools.cache
def all_imports() -> list[Import]:
    """Every import of every module (parsed when a test first asks, not while the suite is collected)."""
    return [found for module, path in MODULES.items() for found in _imports(module, path)]


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _layer(name: str) -> int | None:
    return next((rank for rank, prefix in enumerate(LAYERS) if _within(name, prefix)), None)


def _where(found: Import) -> str:
    return f"{found.module} (line {found.line}) imports {found.target}"


def test_every_module_of_the_function_package_has_a_layer() -> None:
    homeless = [name for name in MODULES if name != "leadrelay" and _layer(name) is None]
    assert not homeless, f"add these to a layer package (see LAYERS): {homeless}"


def test_imports_only_go_down_the_layers() -> None:
    upward = [
        _where(found)
        for found in all_imports()
        if (mine := _layer(found.module)) is not None
        and (theirs := _layer(found.target)) is not None
        and theirs > mine
    ]
    assert not upward, upward


def test_the_function_package_never_imports_the_tools() -> None:
    offenders = [
        _where(f)
        for f in all_imports()
        if _within(f.module, "leadrelay") and _within(f.target, "leadrelay_tools")
    ]
    assert not offenders, f"leadrelay_tools does not ship to Lambda: {offenders}"


def test_the_local_org_is_a_stand_in_that_knows_nothing_of_the_tools_around_it() -> None:
    offenders = [
        _where(f)
        for f in all_imports()
        if _within(f.module, "leadrelay_tools.localorg")
        and _within(f.target, "leadrelay_tools")
        and not _within(f.target, "leadrelay_tools.localorg")
    ]
    assert not offenders, offenders


def test_the_pure_layers_import_no_io_library_and_no_adapter() -> None:
    forbidden = (*IO_MODULES, "leadrelay.adapters", "leadrelay.handlers", "leadrelay.bootstrap")
    offenders = [
        _where(found)
        for found in all_imports()
        if any(_within(found.module, pure) for pure in PURE)
        and any(_within(found.target, bad) for bad in forbidden)
    ]
    assert not offenders, offenders


def test_the_core_never_reads_the_clock() -> None:
    offenders = [
        name
        for name, path in MODULES.items()
        if any(_within(name, layer) for layer in CLOCK_FREE)
        and any(call in path.read_text(encoding="utf-8") for call in ("datetime.now(", "time.time("))
    ]
    assert not offenders, f"the core takes `now` as an argument; these read the clock: {offenders}"


def test_no_function_level_imports_of_our_own_modules() -> None:
    offenders = [
        _where(found)
        for found in all_imports()
        if found.in_function
        and found.target.split(".")[0] in ("leadrelay", "leadrelay_tools")
        and not any(_within(found.module, allowed) for allowed in LAZY_IMPORTS_ALLOWED)
    ]
    assert not offenders, f"import at module level (a cycle is a layering mistake): {offenders}"


def test_the_function_package_makes_its_value_objects_as_structs_not_dataclasses() -> None:
    # A frozen dataclass compiles its generated methods when its module is imported (about 0.45 ms
    # each, 55 ms of the processor's cold start for 123 of them); a msgspec Struct is made in C.
    offenders = [
        _where(found)
        for found in all_imports()
        if _within(found.module, "leadrelay") and _within(found.target, "dataclasses")
    ]
    assert not offenders, f"use msgspec.Struct in the function package: {offenders}"


def test_a_module_defining_pydantic_models_has_its_annotations_evaluated_at_once() -> None:
    # Under ``from __future__ import annotations`` every field's annotation is a string that pydantic
    # compiles and evaluates when it builds the class: about 8 ms of the processor's cold start for its
    # 80 models (docs/cold-start.md). Such a module quotes its forward references instead.
    offenders = []
    for name in MODULES:
        if not _within(name, "leadrelay"):
            continue
        module = importlib.import_module(name)
        if getattr(module, "annotations", None) is not __future__.annotations:
            continue
        models = [
            cls.__name__
            for cls in vars(module).values()
            if inspect.isclass(cls) and issubclass(cls, BaseModel) and cls.__module__ == name
        ]
        if models:
            offenders.append(f"{name} ({', '.join(models)})")
    assert not offenders, f"drop `from __future__ import annotations` in: {offenders}"


def test_no_import_cycles() -> None:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for found in all_imports():
        if found.target in MODULES and found.target != found.module:
            graph[found.module].add(found.target)
    cycles = [component for component in _strongly_connected(graph) if len(component) > 1]
    assert not cycles, cycles


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iteratively (the graph is small, but recursion limits are not ours to set)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            step = next(edges, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(graph[step]))))
                elif step in on_stack:
                    low[node] = min(low[node], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components
