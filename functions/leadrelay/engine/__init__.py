"""The rule engine: JSON rule files compiled once into callables, evaluated into a ``Decision``.

Pure: no I/O and no clock. Reading files lives in ``leadrelay.rulefiles.loader`` (``load_rules``,
``validate_path``); this package takes parsed documents (``build_rule_set``).
"""

from __future__ import annotations

from leadrelay.engine.decision import Decision, RuleHit, StageTransition
from leadrelay.engine.diagnostics import CheckContext, Diagnostic, RuleEvaluationError, RuleSetError
from leadrelay.engine.ruleset import RuleSet, build_rule_set, ruleset_version

__all__ = [
    "CheckContext",
    "Decision",
    "Diagnostic",
    "RuleEvaluationError",
    "RuleHit",
    "RuleSet",
    "RuleSetError",
    "StageTransition",
    "build_rule_set",
    "ruleset_version",
]
