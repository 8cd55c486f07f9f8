"""What the SLA monitor reads from ``rules/``: the field map (``ownership.json``), the SLA policies
(``sla.json``), the business calendar (``routing.json``'s ``calendar``) and the rule set's version.

The monitor neither scores, routes nor matches, so it reads these alone: it does not compile the
scoring, lifecycle or routing rules, nor import their engine, which the processor's cold start pays for
(:mod:`leadrelay.rulefiles.bundle`). Its version is the one the processor's rule set has, computed from
the same files (:func:`leadrelay.rulefiles.engine_files.rules_version`), so both functions' decision-log
entries name the same rules. A problem in what it reads fails its cold start with every problem's file
and JSON pointer; the other files are the processor's to check (and ``leadrelay rules check``'s, in CI).
"""

from __future__ import annotations

from pathlib import Path

from msgspec import Struct
from msgspec.structs import replace

from leadrelay.domain.calendar import BusinessCalendar
from leadrelay.domain.calendar_file import CalendarModel
from leadrelay.domain.ownership import OwnershipMap, check_ownership
from leadrelay.domain.sla import SlaFile
from leadrelay.engine.diagnostics import Diagnostic, RuleSetError
from leadrelay.engine.parsing import parse_model
from leadrelay.rulefiles.documents import OWNERSHIP_FILE, ROUTING_FILE, SLA_FILE, RulesDirectory
from leadrelay.rulefiles.engine_files import rules_version


class SlaRules(Struct, frozen=True):
    """The rules the SLA monitor keeps time and writes by."""

    ownership: OwnershipMap
    sla: SlaFile | None
    """``sla.json``, when the directory has one (no file: no policy, nothing to watch)."""
    calendar: BusinessCalendar
    """``routing.json``'s calendar; the default calendar when the directory routes no leads."""
    version: str
    """The rule set's version, as the processor's ``RuleSet.version``."""


def load_sla_rules(path: str | Path) -> SlaRules:
    """Read and check what the SLA monitor needs from directory ``path`` (each file read once); raises
    :class:`RuleSetError` naming every problem's file and JSON pointer."""
    directory = RulesDirectory.read(path)
    version = rules_version(directory)
    problems: list[Diagnostic] = []
    ownership = read_ownership(directory, problems)
    sla = read_sla(directory, problems)
    calendar = _calendar(directory, problems)
    if problems or ownership is None:
        raise RuleSetError(problems, source=directory.where)
    return SlaRules(ownership, sla, calendar, version)


def read_ownership(directory: RulesDirectory, problems: list[Diagnostic]) -> OwnershipMap | None:
    """``ownership.json`` (required) validated and checked, or ``None`` with its problems appended (the
    processor's bundle reads it the same way)."""
    ownership = directory.model(OWNERSHIP_FILE, OwnershipMap, problems, required=True)
    if ownership is not None:
        file = str(directory.path / OWNERSHIP_FILE)
        problems.extend(Diagnostic(file, i.pointer, i.message) for i in check_ownership(ownership))
    return ownership


def read_sla(directory: RulesDirectory, problems: list[Diagnostic]) -> SlaFile | None:
    """``sla.json`` validated, when the directory has one; its problems appended to ``problems``."""
    return directory.model(SLA_FILE, SlaFile, problems)


def _calendar(directory: RulesDirectory, problems: list[Diagnostic]) -> BusinessCalendar:
    """The ``calendar`` of ``routing.json``, checked as the routing table checks it."""
    document = directory.named(ROUTING_FILE)
    if document is None:
        return BusinessCalendar()
    problems.extend(document.problems)
    section = document.document.get("calendar", {}) if isinstance(document.document, dict) else {}
    model, invalid = parse_model(CalendarModel, section, document.file)
    problems.extend(replace(d, pointer="/calendar" + d.pointer) for d in invalid)
    if model is None:
        return BusinessCalendar()
    try:
        return model.build()
    except ValueError as error:
        problems.append(Diagnostic(document.file, "/calendar", str(error)))
        return BusinessCalendar()
