"""Reading ``dedup.json``: checked against its schema and compiled (the processor's cold start, the CLI).

Apart from :mod:`leadrelay.rulefiles.dedup_runner` (the pair test cases of ``leadrelay rules test``), so
that a function loading the match rules does not import the test-case models of every rule kind.
"""

from __future__ import annotations

from pathlib import Path

from leadrelay.domain.dedup_rules import DedupFile
from leadrelay.domain.matching.match_rules import MatchRules, compile_match_rules
from leadrelay.engine.diagnostics import Diagnostic, RuleSetError
from leadrelay.engine.parsing import parse_model
from leadrelay.rulefiles.documents import read_document

DEDUP_FILE = "dedup.json"


def load_match_rules(path: str | Path) -> MatchRules:
    """Read, check and compile ``path`` (a ``dedup`` file, or a rules directory holding dedup.json).

    Raises ``RuleSetError`` listing every problem as ``FILE:JSON-POINTER: message``.
    """
    target = Path(path)
    target = target / DEDUP_FILE if target.is_dir() else target
    document = read_document(target)
    if document.document is None:
        raise RuleSetError(
            document.problems or [Diagnostic(str(target), "", "no such file")], source=str(target)
        )
    model, problems = parse_model(DedupFile, document.document, document.file)
    if model is None:
        raise RuleSetError(problems, source=document.file)
    return compile_match_rules(model, file=document.file)
