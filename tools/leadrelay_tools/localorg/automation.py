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

from leadrelay_tools.localorg.errors import RecordError


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


@dataclass(frozen=True)
class DuplicateRule:
    """A duplicate rule on ``sobject``: a new record whose ``match_fields`` all equal (ignoring case and
    surrounding space) those of an existing record of one of ``compare_with`` is a duplicate. ``block``
    refuses the save; ``alert`` refuses it too unless the request says
    ``Sforce-Duplicate-Rule-Header: allowSave=true``. Rules run when records are created through the API."""

    name: str
    sobject: str
    match_fields: tuple[str, ...]
    compare_with: tuple[str, ...] = ("Lead",)
    action: str = "alert"
    message: str = "You're creating a duplicate record. We recommend you use an existing record instead."

    def key(self, record: Mapping[str, Any]) -> tuple[str, ...] | None:
        """The normalised values this rule compares, or ``None`` when one is empty."""
        values = {name.lower(): value for name, value in record.items()}
        key = tuple(str(values.get(name.lower()) or "").strip().casefold() for name in self.match_fields)
        return key if all(key) else None


def allow_save(header: str | None) -> bool:
    """Whether ``Sforce-Duplicate-Rule-Header`` asks to save despite alert-action rules."""
    options = dict(part.strip().split("=", 1) for part in (header or "").split(",") if "=" in part)
    return options.get("allowSave", "").strip().lower() == "true"


def duplicates_detected(rule: DuplicateRule, matches: list[tuple[str, str]], api_version: str) -> RecordError:
    """The ``DUPLICATES_DETECTED`` error Salesforce returns, with its ``duplicateResult``."""
    by_object: dict[str, list[str]] = {}
    for sobject, record_id in matches:
        by_object.setdefault(sobject, []).append(record_id)
    match_results = [
        {
            "entityType": sobject,
            "errors": [],
            "matchEngine": "ExactMatchEngine",
            "matchRecords": [
                {
                    "additionalInformation": [],
                    "fieldDiffs": [],
                    "matchConfidence": 100.0,
                    "record": {
                        "attributes": {
                            "type": sobject,
                            "url": f"/services/data/v{api_version}/sobjects/{sobject}/{rid}",
                        },
                        "Id": rid,
                    },
                }
                for rid in ids
            ],
            "rule": f"{rule.name}_Match_Rule",
            "size": len(ids),
            "success": True,
        }
        for sobject, ids in by_object.items()
    ]
    result = {
        "allowSave": rule.action == "alert",
        "duplicateRule": rule.name,
        "duplicateRuleEntityType": rule.sobject,
        "errorMessage": rule.message,
        "matchResults": match_results,
    }
    return RecordError("DUPLICATES_DETECTED", rule.message, extra=(("duplicateResult", result),))
