"""Turns parsed JSON into validated models, with every problem located by a JSON pointer.

Pydantic reports locations as tuples that mix keys, indexes and union tags (``<field>``);
``to_pointer`` walks the document along such a location to produce a pointer into the
author's file (``/rules/3/when/all/0/op``), and ``friendly`` rewrites pydantic's messages in
the rule author's terms.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from msgspec import Struct, field
from msgspec.structs import replace
from pydantic import BaseModel, ValidationError

from leadrelay.engine.diagnostics import Diagnostic, pointer
from leadrelay.engine.nesting import TOO_DEEP, too_deep_in_document

ModelT = TypeVar("ModelT", bound=BaseModel)


def to_pointer(document: Any, loc: Sequence[str | int]) -> str:
    """The JSON pointer into ``document`` that a pydantic error location designates."""
    parts: list[str | int] = []
    node = document
    for position, step in enumerate(loc):
        last = position == len(loc) - 1
        if isinstance(step, int) and isinstance(node, list):
            parts.append(step)
            node = node[step] if 0 <= step < len(node) else None
        elif isinstance(node, dict) and step in node:
            parts.append(step)
            node = node[step]
        elif isinstance(step, str) and (_is_tag(step) or step == "[key]"):
            continue
        elif last or not isinstance(node, dict | list):
            parts.append(step)
            node = None
    return pointer(*parts)


def _is_tag(step: str) -> bool:
    return step.startswith("<") and step.endswith(">")


def friendly(error: Mapping[str, Any]) -> str:
    """A pydantic error message in the rule author's terms."""
    kind = error["type"]
    loc = [step for step in error["loc"] if not (isinstance(step, str) and _is_tag(step))]
    key = loc[-1] if loc else ""
    given = error.get("input")
    if kind == "extra_forbidden":
        return f"unknown key {key!r}"
    if kind == "missing":
        return f"missing required key {key!r}"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        what = {"op": "unknown operator", "kind": "unknown kind"}.get(str(key), "invalid value")
        return f"{what} {given!r}; expected {expected}"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind.endswith(("_type", "_parsing")):
        return f"{message[:1].lower()}{message[1:]}, got {_short(given)}"
    return message[:1].lower() + message[1:]


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    text = "null" if value is None else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_model(model: type[ModelT], document: Any, file: str) -> tuple[ModelT | None, list[Diagnostic]]:
    """Validate ``document`` as ``model``; the model, or None with every problem located."""
    too_deep = too_deep_in_document(document)
    if too_deep is not None:
        return None, [Diagnostic(file, too_deep, TOO_DEEP)]
    try:
        return model.model_validate(document), []
    except ValidationError as error:
        return None, [
            Diagnostic(file, to_pointer(document, item["loc"]), friendly(item))
            for item in error.errors(include_url=False)
        ]


class Parsed(Struct, Generic[ModelT]):
    """A validated model, or — when only some items of top-level lists are invalid — a partial one.

    A partial model lacks the invalid items (a rule with an unknown operator, say) so that the
    semantic checks can still run on the rest and every problem is reported in one pass;
    ``relocate`` maps the checks' pointers back to the items' places in the file.
    """

    model: ModelT | None
    diagnostics: list[Diagnostic]
    kept: dict[str, list[int]] = field(default_factory=dict)

    def relocate(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        """Diagnostics of the partial model with pointers into the original document."""
        moved = []
        for diagnostic in diagnostics:
            parts = diagnostic.pointer.split("/", 3)
            if len(parts) >= 3 and parts[1] in self.kept and parts[2].isdigit():
                parts[2] = str(self.kept[parts[1]][int(parts[2])])
                diagnostic = replace(diagnostic, pointer="/".join(parts))
            moved.append(diagnostic)
        return moved


def parse_leniently(model: type[ModelT], document: Any, file: str) -> Parsed[ModelT]:
    """Like ``parse_model``, but salvage a partial model when only top-level list items are invalid."""
    parsed, diagnostics = parse_model(model, document, file)
    if parsed is not None or not isinstance(document, dict):
        return Parsed(parsed, diagnostics)
    bad: dict[str, set[int]] = {}
    for diagnostic in diagnostics:
        parts = diagnostic.pointer.split("/")
        if len(parts) < 3 or not parts[2].isdigit() or not isinstance(document.get(parts[1]), list):
            return Parsed(None, diagnostics)
        bad.setdefault(parts[1], set()).add(int(parts[2]))
    kept = {key: [i for i in range(len(document[key])) if i not in indexes] for key, indexes in bad.items()}
    pruned = {**document, **{key: [document[key][i] for i in indexes] for key, indexes in kept.items()}}
    partial, _ = parse_model(model, pruned, file)
    return Parsed(partial, diagnostics, kept if partial is not None else {})
