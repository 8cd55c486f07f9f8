"""leadrelay: a rule engine beside Salesforce on AWS Lambda.

Public, stable API (see README "Rule engine API")::

    from leadrelay import load_rules
    rules = load_rules("rules")                       # validate + compile once
    decision = rules.evaluate(context, now=now, trace=True)

Names are resolved lazily so that a function which never evaluates rules (the webhook
ingress, for instance) does not pay for importing the engine on a cold start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from leadrelay.bytecode_archive import install_shipped_archive

install_shipped_archive()  # the built artifact's bytecode, before anything else of ours is imported

from leadrelay.regex_snapshot import install_shipped_snapshot  # noqa: E402 - from the archive

install_shipped_snapshot()  # the build's compiled regular expressions, before anything compiles them

from leadrelay.deferred_modules import defer_rarely_used_modules  # noqa: E402 - from the archive

defer_rarely_used_modules()  # before anything of ours imports the libraries that import them

from leadrelay.engine.lazy_names import lazy_names  # noqa: E402

__all__ = ["Decision", "RuleSet", "RuleSetError", "load_rules"]
__version__ = "0.1.0"

if TYPE_CHECKING:
    from leadrelay.engine import Decision, RuleSet, RuleSetError
    from leadrelay.rulefiles.loader import load_rules

_HOMES = {
    "Decision": "leadrelay.engine",
    "RuleSet": "leadrelay.engine",
    "RuleSetError": "leadrelay.engine",
    "load_rules": "leadrelay.rulefiles.loader",
}


__getattr__ = lazy_names(__name__, _HOMES)
