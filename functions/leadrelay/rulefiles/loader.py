"""Rule files on disk, as the functions load them: ``load_rules`` reads, checks and compiles the
scoring and lifecycle files of a directory.

The engine itself (``leadrelay.engine``) is pure; this module reads the files and hands parsed
documents to the core (:mod:`leadrelay.rulefiles.engine_files` finds and resolves them). Checking every
kind of rule file for an author (``validate_path``) and the JSON Schemas live in
:mod:`leadrelay.rulefiles.validate`, which the functions never import.
"""

from __future__ import annotations

from pathlib import Path

from leadrelay.engine.diagnostics import Diagnostic, RuleSetError
from leadrelay.engine.ruleset import RuleSet, build_rule_set
from leadrelay.rulefiles.documents import RulesDirectory
from leadrelay.rulefiles.engine_files import engine_documents, resolved_engine_documents

__all__ = ["Diagnostic", "RuleSetError", "engine_documents", "load_rules"]


def load_rules(path: str | Path | RulesDirectory) -> RuleSet:
    """Read, validate and compile the rule set in directory ``path`` (its scoring and lifecycle files;
    ``path`` may also be a directory already read, as the processor's cold start reads it once).

    Raises ``RuleSetError`` listing every problem as ``FILE:JSON-POINTER: message``.
    """
    directory = path if isinstance(path, RulesDirectory) else RulesDirectory.read(path)
    found = resolved_engine_documents(directory)
    return build_rule_set(found.scoring, found.lifecycle, source=found.where, others=found.others)
