"""Reading ``dedup.json``: checked against its schema and compiled (the processor's cold start, the CLI).

Apart from :mod:`leadrelay.rulefiles.dedup_runner` (the pair test cases of ``leadrelay rules test``), so
that a function loading the match rules does not import the test-case models of every rule kind.
"""

from __future__ import annotations

from pathlib import Path

from leadrelay.domain.dedup_rules import DedupFile
from leadrelay.domain.matching.match_rules import MatchRules, compile_match_rules
from leadrelay.engine.diagnostics import RuleSetError
from leadrelay.engine.parsing import parse_model
from leadrelay.rulefiles.documents import RuleDocument, read_document

DEDUP_FILE = "dedup.json"


def load_match_rules(path: str | Path) -> MatchRules:
    """Read, check and compile ``path`` (a ``dedup`` file, or a rules directory holding dedup.json).

    Raises ``RuleSetError`` listing every problem as ``FILE:JSON-POINTER: message``.
    """
    target = Path(path)
    target = target / DEDUP_FILE if target.is_dir() else target
    return match_rules_from(read_document(target))


def match_rules_from(document: RuleDocument) -> MatchRules:
    """``document`` (a ``dedup`` file already read) checked and compiled; raises ``RuleSetError`` listing
    every problem as ``FILE:JSON-POINTER: message``."""
    if document.problems:  # unreadable, broken JSON
        raise RuleSetError(document.problems, source=document.file)
    model, problems = parse_model(DedupFile, document.document, document.file)
    if model is None:
        raise RuleSetError(problems, source=document.file)
    return compile_match_rules(model, file=document.file)
