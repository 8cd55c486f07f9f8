"""One rule file of any kind validated: its model chosen by ``"kind"``, then the kind's semantic checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from leadrelay.engine.diagnostics import CheckContext, Diagnostic
from leadrelay.engine.parsing import Parsed, parse_leniently
from leadrelay.rulefiles.kinds import RULE_FILE_KINDS


def validate_document(
    document: Any, file: str, documents: Mapping[str, Any] | None = None
) -> list[Diagnostic]:
    """Every problem in one parsed rule file, whatever its kind (never raises for an author's mistake).

    ``documents`` holds the valid models of the other files of the same rule set by kind, for
    cross-file checks (a lifecycle condition naming a score defined in the scoring file).
    """
    parsed = parse_document(document, file)
    if parsed.model is None:
        return parsed.diagnostics
    spec = RULE_FILE_KINDS[document["kind"]]
    if spec.check is None:
        return parsed.diagnostics
    ctx = CheckContext(file, dict(documents or {}))
    spec.check(parsed.model, ctx)
    return parsed.diagnostics + parsed.relocate(ctx.diagnostics)


def parse_document(document: Any, file: str) -> Parsed[BaseModel]:
    """The (possibly partial) model of a parsed rule file, chosen by its ``kind``, with the problems."""
    kinds = ", ".join(sorted(RULE_FILE_KINDS))
    if not isinstance(document, dict):
        return Parsed(None, [Diagnostic(file, "", f'a rule file is a JSON object with a "kind" ({kinds})')])
    kind = document.get("kind")
    if kind is None:
        return Parsed(None, [Diagnostic(file, "", f"missing required key 'kind' (one of: {kinds})")])
    if not isinstance(kind, str) or kind not in RULE_FILE_KINDS:
        return Parsed(None, [Diagnostic(file, "/kind", f"unknown kind {kind!r}; expected one of: {kinds}")])
    return parse_leniently(RULE_FILE_KINDS[kind].model, document, file)
