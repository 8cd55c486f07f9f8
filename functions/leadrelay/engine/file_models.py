"""The bases of every rule-file model: :class:`Strict` (any part of a file), :class:`RuleFile` (a file).

Apart from :mod:`leadrelay.engine.models` (the conditions, selectors and windows of the rule language) so
that a function reading only its own files (the ingress functions: ownership, mappings) does not build
the condition models on its cold start.
"""

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    """Base of every rule-file model, whatever its kind and layer: unknown keys are errors, models are
    immutable, and a field with an alias (``$schema``, ``not``) may also be given by its name."""

    # defer_build: a model's validator is built when it first validates, so a function pays only for
    # the rule-file models it reads (the webhook reads mappings, never scoring rules); cold start.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class RuleFile(Strict):
    """Base of a whole rule file of any kind: it may name its JSON Schema (``$schema``); each kind's
    model adds its ``kind``."""

    schema_: str | None = Field(default=None, alias="$schema", description="Path or URL of the JSON Schema.")
