"""Pydantic models of a ``kind: lifecycle`` file: stages with ranks and guarded transitions."""

from typing import Literal

from pydantic import Field

from leadrelay.engine.file_models import RuleFile, Strict
from leadrelay.engine.models import Condition


class Stage(Strict):
    """A lifecycle stage; a move to a lower ``rank`` is backward and needs a reason code."""

    name: str = Field(min_length=1)
    rank: int
    label: str | None = None
    description: str | None = None


class Transition(Strict):
    """A guarded move from any stage in ``from`` to ``to``."""

    id: str = Field(min_length=1)
    from_: list[str] = Field(alias="from", min_length=1)
    to: str = Field(min_length=1)
    when: Condition
    reason_code: str | None = Field(default=None, min_length=1, description="Required for backward moves.")
    description: str | None = None


class LifecycleFile(RuleFile):
    """``rules/lifecycle.json``: where the current stage is read, the stages and the transitions."""

    kind: Literal["lifecycle"]
    description: str | None = None
    current_stage: str = Field(
        min_length=1, description="Dotted path of the current stage, e.g. lead.Status."
    )
    initial: str = Field(min_length=1, description="The stage of a lead whose stage is missing or unknown.")
    stages: list[Stage] = Field(min_length=1)
    transitions: list[Transition] = Field(default_factory=list)
