"""The rule engine: JSON rule files compiled once into callables, evaluated into a ``Decision``.

Pure: no I/O and no clock. Reading files lives in ``leadrelay.rulefiles.loader`` (``load_rules``) and
``leadrelay.rulefiles.validate`` (``validate_path``); this package takes parsed documents
(``build_rule_set``).

Names are resolved lazily (as in ``leadrelay/__init__.py``): a module that needs only
``leadrelay.engine.decision`` (the ports, dead-letter envelopes, the webhook function) does not pay for
importing the compiler on a cold start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from leadrelay.engine.lazy_names import lazy_names

if TYPE_CHECKING:
    from leadrelay.engine.decision import Decision, RuleHit, StageTransition
    from leadrelay.engine.diagnostics import CheckContext, Diagnostic, RuleEvaluationError, RuleSetError
    from leadrelay.engine.ruleset import RuleSet, build_rule_set
    from leadrelay.engine.version import ruleset_version

_HOMES = {
    "Decision": "leadrelay.engine.decision",
    "RuleHit": "leadrelay.engine.decision",
    "StageTransition": "leadrelay.engine.decision",
    "CheckContext": "leadrelay.engine.diagnostics",
    "Diagnostic": "leadrelay.engine.diagnostics",
    "RuleEvaluationError": "leadrelay.engine.diagnostics",
    "RuleSetError": "leadrelay.engine.diagnostics",
    "RuleSet": "leadrelay.engine.ruleset",
    "build_rule_set": "leadrelay.engine.ruleset",
    "ruleset_version": "leadrelay.engine.version",
}
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


__getattr__ = lazy_names(__name__, _HOMES)
