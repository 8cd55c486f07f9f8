"""The registry of rule-file kinds: which pydantic model a ``"kind"`` names, and its semantic checks.

Adding a kind is one entry in ``RULE_FILE_KINDS``: ``validate_path``, ``leadrelay rules
validate`` and the JSON Schema generator iterate this dict. A checker receives the valid
model and a ``CheckContext`` (report with ``ctx.error(pointer, message)`` /
``ctx.warning(...)``; ``ctx.documents`` holds the other valid files of the rule set by kind).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from msgspec import Struct
from pydantic import BaseModel

from leadrelay.domain.deadletter import OperationsConfig, check_operations_file
from leadrelay.domain.dedup_rules import DedupFile, check_dedup_file
from leadrelay.domain.ownership import OwnershipMap, check_ownership_file
from leadrelay.domain.routing import RoutingFile, check_routing_file
from leadrelay.domain.sla import SlaFile, check_sla_file
from leadrelay.engine.diagnostics import CheckContext
from leadrelay.engine.lifecycle import compile_lifecycle
from leadrelay.engine.lifecycle_models import LifecycleFile
from leadrelay.engine.scoring import compile_scoring
from leadrelay.engine.scoring_models import ScoringFile
from leadrelay.ingress.mapping_model import MappingFile
from leadrelay.rulefiles.dedupcases import DedupTestFile, check_dedup_tests
from leadrelay.rulefiles.routingcases import RoutingTestFile, check_routing_tests
from leadrelay.rulefiles.rulecase_checks import check_rule_tests
from leadrelay.rulefiles.rulecases import RuleTestFile

Checker = Callable[[Any, CheckContext], None]


class KindSpec(Struct, frozen=True):
    """A kind of rule file: its model (which also generates its JSON Schema) and optional checker."""

    model: type[BaseModel]
    check: Checker | None = None


def check_scoring(model: ScoringFile, ctx: CheckContext) -> None:
    """Compile the scoring file: ids, score references, operators, regexes, JMESPath, bands."""
    compile_scoring(model, ctx)


def check_lifecycle(model: LifecycleFile, ctx: CheckContext) -> None:
    """Compile the lifecycle file against the scoring file's scores (when it is known)."""
    scoring = ctx.documents.get("scoring")
    compile_lifecycle(model, ctx, tuple(scoring.scores) if isinstance(scoring, ScoringFile) else None)


RULE_FILE_KINDS: dict[str, KindSpec] = {
    "scoring": KindSpec(ScoringFile, check_scoring),
    "lifecycle": KindSpec(LifecycleFile, check_lifecycle),
    "rule_tests": KindSpec(RuleTestFile, check_rule_tests),
    "ownership": KindSpec(OwnershipMap, check_ownership_file),
    "operations": KindSpec(OperationsConfig, check_operations_file),
    "mapping": KindSpec(MappingFile),
    "routing": KindSpec(RoutingFile, check_routing_file),
    "sla": KindSpec(SlaFile, check_sla_file),
    "dedup": KindSpec(DedupFile, check_dedup_file),
    "dedup_tests": KindSpec(DedupTestFile, check_dedup_tests),
    "routing_tests": KindSpec(RoutingTestFile, check_routing_tests),
}
