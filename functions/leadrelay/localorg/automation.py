"""The org's lead assignment rule, run the way Salesforce's REST API runs it.

Salesforce applies the active lead assignment rule to every Lead created **or updated** through the
REST API unless the request carries ``Sforce-Auto-Assign: FALSE``; ``TRUE`` (or no header) runs the
active rule, and an AssignmentRule id runs that rule. Records saved outside the API (seeding, the
Python surface) are never assigned. The rule's entries are tried in order; the first whose criteria
all match gives the owner, else the rule's default owner (when it has one) does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RuleEntry:
    """One row of an assignment rule: every ``field == value`` criterion holds → ``owner_id``."""

    criteria: Mapping[str, Any]
    owner_id: str

    def matches(self, record: Mapping[str, Any]) -> bool:
        """True when every criterion holds for ``record`` (field names compared case-insensitively)."""
        values = {key.lower(): value for key, value in record.items()}
        return all(values.get(name.lower()) == wanted for name, wanted in self.criteria.items())


@dataclass(frozen=True)
class AssignmentRule:
    """A lead assignment rule (``01Q…``) with its entries and an optional default owner."""

    rule_id: str
    entries: tuple[RuleEntry, ...] = ()
    default_owner_id: str | None = None
    name: str = "Standard"

    def owner_for(self, record: Mapping[str, Any]) -> str | None:
        """The owner this rule gives ``record``, or ``None`` when no entry matches and there is no default."""
        entry = next((entry for entry in self.entries if entry.matches(record)), None)
        return entry.owner_id if entry is not None else self.default_owner_id


@dataclass
class LeadAssignmentRules:
    """The org's assignment rules and which one is active."""

    rules: dict[str, AssignmentRule] = field(default_factory=dict)
    active_id: str | None = None

    def activate(self, rule: AssignmentRule) -> None:
        """Add ``rule`` and make it the active one."""
        self.rules[rule.rule_id[:15]] = rule
        self.active_id = rule.rule_id[:15]

    def deactivate(self) -> None:
        """No active rule (rules named by id in a header still run)."""
        self.active_id = None

    def rule_for(self, header: str | None) -> AssignmentRule | None:
        """The rule a request runs, from its ``Sforce-Auto-Assign`` header (absent means TRUE)."""
        value = (header or "TRUE").strip()
        if value.upper() == "FALSE":
            return None
        if value.upper() == "TRUE":
            return self.rules.get(self.active_id) if self.active_id else None
        return self.rules.get(value[:15])
