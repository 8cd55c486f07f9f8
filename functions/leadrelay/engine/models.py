"""Pydantic models of the rule language's shared parts: conditions, activity selectors, windows.

These models describe the *files* (they generate the JSON Schemas and report an author's
mistakes with exact locations); they are never used on the evaluation hot path — the
compiler turns them into plain Python callables once.

A condition is told apart by the key it carries (``field``, ``expr``, ``count``, ``sum``,
``all``, ``any``, ``not``, ``at_least``); union members are tagged ``<field>``, ``<expr>``…
so that error locations can be mapped back to JSON pointers (see ``parsing.py``).
"""

from collections.abc import Callable
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import Discriminator, Field, Tag, model_validator

from leadrelay.engine.file_models import Strict

Operator = Literal[
    "eq",
    "ne",
    "lt",
    "lte",
    "gt",
    "gte",
    "in",
    "contains",
    "starts_with",
    "ends_with",
    "exists",
    "keyword",
    "regex",
    "within_last",
    "older_than",
]
"""The rule language's operators: the models accept, and the JSON Schemas offer, exactly these;
``leadrelay.engine.operators.OPERATORS`` compiles each (and refuses to import if it lists others)."""

CONDITION_KEYS: tuple[str, ...] = ("field", "expr", "count", "sum", "all", "any", "not", "at_least")


def key_tag(keys: tuple[str, ...]) -> Callable[[Any], str | None]:
    """A discriminator for a union told apart by which key is present: ``<key>`` for the first of
    ``keys`` in a dict, the ``TAG`` of an already-built model."""

    def tag(raw: Any) -> str | None:
        if isinstance(raw, dict):
            return next((f"<{key}>" for key in keys if key in raw), None)
        found: str | None = getattr(type(raw), "TAG", None)
        return found

    return tag


class Window(Strict):
    """A span of time measured back from the injected ``now``; the parts add up."""

    days: float | None = Field(default=None, ge=0)
    hours: float | None = Field(default=None, ge=0)
    minutes: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if self.days is None and self.hours is None and self.minutes is None:
            raise ValueError("a window needs days, hours or minutes")
        return self

    @property
    def seconds(self) -> float:
        """The window's length in seconds."""
        return ((self.days or 0) * 24 + (self.hours or 0)) * 3600 + (self.minutes or 0) * 60

    @property
    def label(self) -> str:
        """A short human form: ``30d``, ``12h``, ``1d6h``."""
        parts = [(self.days, "d"), (self.hours, "h"), (self.minutes, "m")]
        return "".join(f"{value:g}{unit}" for value, unit in parts if value)


class Selector(Strict):
    """Which activities count: by type, within a window, and matching a per-activity condition."""

    types: list[str] | None = Field(
        default=None, min_length=1, description="Activity types; all when omitted."
    )
    within: Window | None = None
    where: "Condition | None" = Field(
        default=None, description="Condition on each activity (relative paths)."
    )


class FieldCondition(Strict):
    """``{"field": "lead.Title", "op": "keyword", "value": ["cto"]}``: a plain dotted path."""

    TAG: ClassVar[str] = "<field>"
    field: str = Field(min_length=1)
    op: Operator
    value: Any


class ExprCondition(Strict):
    """``{"expr": "<JMESPath>", "op": …, "value": …}``: any JMESPath expression."""

    TAG: ClassVar[str] = "<expr>"
    expr: str = Field(min_length=1)
    op: Operator
    value: Any


class CountCondition(Strict):
    """``{"count": SELECTOR, "op": "gte", "value": 2}``: the number of matching activities."""

    TAG: ClassVar[str] = "<count>"
    count: Selector
    op: Operator
    value: Any


class SumCondition(Strict):
    """``{"sum": SELECTOR, "of": "duration_minutes", "op": "gte", "value": 60}``."""

    TAG: ClassVar[str] = "<sum>"
    sum: Selector
    of: str = Field(min_length=1, description="The numeric activity field to add up.")
    op: Operator
    value: Any


class AllCondition(Strict):
    """True when every condition holds (an empty list holds)."""

    TAG: ClassVar[str] = "<all>"
    all: list["Condition"]


class AnyCondition(Strict):
    """True when at least one condition holds (an empty list does not)."""

    TAG: ClassVar[str] = "<any>"
    any: list["Condition"]


class NotCondition(Strict):
    """True when the condition does not hold."""

    TAG: ClassVar[str] = "<not>"
    not_: "Condition" = Field(alias="not")


class AtLeastCondition(Strict):
    """True when at least ``at_least`` of the conditions hold (BANT: 2 of 4)."""

    TAG: ClassVar[str] = "<at_least>"
    at_least: int = Field(ge=0)
    of: list["Condition"] = Field(min_length=1)


Condition = Annotated[
    Annotated[FieldCondition, Tag("<field>")]
    | Annotated[ExprCondition, Tag("<expr>")]
    | Annotated[CountCondition, Tag("<count>")]
    | Annotated[SumCondition, Tag("<sum>")]
    | Annotated[AllCondition, Tag("<all>")]
    | Annotated[AnyCondition, Tag("<any>")]
    | Annotated[NotCondition, Tag("<not>")]
    | Annotated[AtLeastCondition, Tag("<at_least>")],
    Discriminator(
        key_tag(CONDITION_KEYS),
        custom_error_type="condition",
        custom_error_message="a condition needs one of the keys " + ", ".join(CONDITION_KEYS),
    ),
]

# Selector's reference to Condition resolves now, and the file models that nest a selector reuse its schema
# (the whole condition union). The recursive conditions resolve theirs when a file model first nests them:
# rebuilding each of them here too would generate the union once per model (about 3 ms more of every cold
# start that loads rules, measured with the rule files' first load).
Selector.model_rebuild()
