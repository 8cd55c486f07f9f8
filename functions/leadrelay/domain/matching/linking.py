"""What the real-time match decides for one incoming person (issue 12, item 4): pure, no I/O.

The pipeline queries the candidates (``keys.key_clauses``) and compares each with the incoming
record; this module picks the decisive comparison and turns it into fields and trace entries:

* **match** — the event belongs to the existing Lead or Contact (a Contact before a Lead, as for
  an e-mail, then the higher score, then the lower id): no new Lead;
* **candidate** — the new Lead is created but names its potential duplicate, the score and the
  reasons (an admin reviews it in a list view); an **existing** Lead whose match keys changed (its
  e-mail was corrected, say) and that now is a candidate or a match of another record is flagged
  the same way, once;
* **distinct** — nothing.

A lead's company matched to an Account fills the matched-account lookup and its owner, which the
routing table's ``account_owner`` target reads. Every comparison lands in the decision's trace as a
``RuleHit`` of score ``dedup`` with no points (it never moves a score).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from msgspec import Struct

from leadrelay.domain.dedup_rules import Outcome
from leadrelay.domain.identity import id15
from leadrelay.domain.matching.match_rules import MatchDecision, PairMatcher
from leadrelay.domain.matching.record import MatchRecord
from leadrelay.engine.decision import RuleHit

POTENTIAL_DUPLICATE = "LR_Potential_Duplicate__c"
MATCH_SCORE = "LR_Match_Score__c"
MATCH_REASONS = "LR_Match_Reasons__c"
MATCHED_ACCOUNT = "LR_Matched_Account__c"
MATCHED_ACCOUNT_OWNER = "LR_Matched_Account_Owner__c"
MAX_REASONS_LENGTH = 32768
TRACE_SCORE = "dedup"
"""The trace's ``score`` for match decisions (they add no points)."""
_RANK = {Outcome.MATCH: 2, Outcome.CANDIDATE: 1, Outcome.DISTINCT: 0}


class Compared(Struct, frozen=True):
    """One existing record compared with the incoming one, under a pair's rules."""

    pair: str
    sobject: str
    record: Mapping[str, Any]
    decision: MatchDecision

    @property
    def record_id(self) -> str:
        """The existing record's id."""
        return str(self.record["Id"])


class CandidateIndex:
    """Existing records filed under a pair's blocking keys: an incoming record is compared only with
    those that share one of its keys (a key shared by more than ``max_block`` records tells no one
    apart and is skipped), never with every record a batch's query returned."""

    def __init__(self, matcher: PairMatcher, records: Sequence[MatchRecord], max_block: int) -> None:
        self._matcher = matcher
        blocks: dict[str, list[int]] = {}
        for index, record in enumerate(records):
            for key in matcher.blocking_keys(record):
                blocks.setdefault(key, []).append(index)
        self._blocks = {key: members for key, members in blocks.items() if len(members) <= max_block}

    def sharing(self, record: MatchRecord) -> list[int]:
        """The indexes of the records sharing a blocking key with ``record``, in order."""
        found: dict[int, None] = {}
        for key in self._matcher.blocking_keys(record):
            found.update(dict.fromkeys(self._blocks.get(key, ())))
        return sorted(found)


def decisive(compared: Iterable[Compared]) -> Compared | None:
    """The comparison that decides: a match before a candidate (a Contact before a Lead, then the
    higher score, then the lower id); ``None`` when every one is distinct."""
    best: Compared | None = None
    for item in sorted(compared, key=lambda c: c.record_id):
        if item.decision.outcome is Outcome.DISTINCT:
            continue
        if best is None or _preference(item) > _preference(best):
            best = item
    return best


def _preference(item: Compared) -> tuple[int, bool, float]:
    return _RANK[item.decision.outcome], item.sobject == "Contact", item.decision.score


def candidate_fields(best: Compared | None) -> dict[str, Any]:
    """A new Lead's potential-duplicate fields for a **candidate** (nothing otherwise)."""
    if best is None or best.decision.outcome is not Outcome.CANDIDATE:
        return {}
    return _flag(best)


def existing_lead_fields(best: Compared | None, current: Mapping[str, Any]) -> dict[str, Any]:
    """An existing Lead's potential-duplicate fields when it turns out to be a **candidate** or a
    **match** of another record (two existing records are never merged automatically: an admin
    reviews them); nothing when it is distinct, or when it already names that record — the flag
    is written once, not on every event."""
    if best is None or best.decision.outcome is Outcome.DISTINCT:
        return {}
    if id15(str(current.get(POTENTIAL_DUPLICATE) or "")) == id15(best.record_id):
        return {}
    return _flag(best)


def keys_changed(keys: Mapping[str, Any], current: Mapping[str, Any]) -> bool:
    """Whether a record's match keys (``keys.match_keys``) differ from those it holds: its e-mail,
    phone, name or company changed since they were stamped, or they never were. Only then can it have
    become someone else's duplicate, and only then is an existing Lead compared again — so a flag an
    admin cleared after review is not raised again by the next event."""
    return any((current.get(field) or None) != (value or None) for field, value in keys.items())


def _flag(best: Compared) -> dict[str, Any]:
    reasons = f"{best.sobject} {best.record_id}: {best.decision.describe()}"
    return {
        POTENTIAL_DUPLICATE: best.record_id,
        MATCH_SCORE: round(best.decision.score, 1),
        MATCH_REASONS: reasons[:MAX_REASONS_LENGTH],
    }


def account_fields(best: Compared | None) -> dict[str, Any]:
    """The matched Account and its owner, when a lead's company **matched** one (nothing otherwise)."""
    if best is None or best.decision.outcome is not Outcome.MATCH:
        return {}
    return {MATCHED_ACCOUNT: best.record_id, MATCHED_ACCOUNT_OWNER: best.record.get("OwnerId")}


def trace_hits(compared: Iterable[Compared]) -> list[RuleHit]:
    """Each comparison as a trace entry: ``dedup.lead_lead.same_personal_email`` (the deciding rule,
    else the outcome), the record compared and the decision with its reasons."""
    return [
        RuleHit(
            f"dedup.{item.pair}.{item.decision.rule or item.decision.outcome.value}",
            TRACE_SCORE,
            0.0,
            values={"sobject": item.sobject, "record_id": item.record_id, **item.decision.to_dict()},
            detail=f"{item.sobject} {item.record_id}: {item.decision.describe()}",
        )
        for item in compared
    ]
