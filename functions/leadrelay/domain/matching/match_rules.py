"""Match rules compiled once: ``MatchRules.pair(name).compare(a, b) -> MatchDecision`` and blocking keys.

``compile_match_rules`` checks a ``DedupFile`` (``dedup_rules.check_dedup_file``: each mistake at
its JSON pointer) and turns every comparison into a plain callable. ``PairMatcher.compare``
measures each comparison, adds the weight of the level reached, then lets the first ordered rule
whose levels all hold
decide, else the thresholds: every ``MatchDecision`` carries its reasons (which comparison reached
which level, with the similarity and the weight) and the rule that decided. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import product
from typing import Any

from msgspec import Struct

from leadrelay.domain.dedup_rules import (
    MISSING,
    PAIR_OBJECTS,
    SIMILARITY_METHODS,
    Comparison,
    DedupFile,
    Outcome,
    PairRules,
    check_dedup_file,
    resolve_pair,
)
from leadrelay.domain.matching.comparisons import Measure, categorical, leveled, similarity
from leadrelay.domain.matching.record import DEFAULT_COLUMNS, MatchRecord, features, folded, read_values
from leadrelay.engine.diagnostics import CheckContext, RuleSetError, errors_only


class Reason(Struct, frozen=True):
    """How one comparison came out: its level, the similarity (fuzzy methods) and the weight added."""

    comparison: str
    level: str
    weight: float
    similarity: float | None = None

    def describe(self) -> str:
        """``person close 0.94 +3``."""
        measured = f" {self.similarity:.2f}" if self.similarity is not None else ""
        return f"{self.comparison} {self.level}{measured} {self.weight:+g}"


class MatchDecision(Struct, frozen=True):
    """The outcome for two records, the summed weight, the reasons and the deciding rule (if any)."""

    outcome: Outcome
    score: float
    reasons: tuple[Reason, ...]
    rule: str | None = None

    def level(self, comparison: str) -> str | None:
        """The level a comparison reached (None if the pair has no such comparison)."""
        return next((r.level for r in self.reasons if r.comparison == comparison), None)

    def describe(self) -> str:
        """``match (rule same_personal_email), score 18: email same_personal +12; person exact +6``."""
        why = f"rule {self.rule}" if self.rule else "score"
        agreed = "; ".join(r.describe() for r in self.reasons if r.level != MISSING)
        return f"{self.outcome.value} ({why}), score {self.score:g}: {agreed}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (pair tests, the trace)."""
        return {
            "outcome": self.outcome.value,
            "score": self.score,
            "rule": self.rule,
            "reasons": [
                {"comparison": r.comparison, "level": r.level, "weight": r.weight, "similarity": r.similarity}
                for r in self.reasons
            ],
        }


class _Compiled(Struct, frozen=True):
    id: str
    measure: Measure
    weights: Mapping[str, float]


class _Rule(Struct, frozen=True):
    id: str
    when: tuple[tuple[int, frozenset[str]], ...]
    outcome: Outcome


def blocking_part(record: MatchRecord, part: str) -> tuple[str, ...]:
    """The values of one blocking part (``email``, ``person``, ``company_sound`` …) of a record."""
    if part == "email":
        email = record.email
        return (email.address,) if email is not None and not email.role_mailbox else ()
    if part == "phone":
        return tuple({p.e164 for p in record.phones if not (p.switchboard or p.extension)})
    if part == "person":
        return (record.person_key,) if record.person_key else ()
    if part in ("company", "company_sound"):
        company = record.company
        if company is None:
            return ()
        value = (company.reading or company.key) if part == "company" else company.sound
        return (value,) if len(value) > 1 else ()
    if part == "postal_code" or part.startswith("x_"):
        code = folded(record.get(part))
        return (code,) if code else ()
    key = record.domain if part == "domain" else record.corporate_number
    return (key,) if key else ()


class PairMatcher(Struct, frozen=True):
    """One pair's compiled rules: the blocking keys of a record, and the decision for two records."""

    name: str
    objects: tuple[str, str]
    blocking: tuple[tuple[str, ...], ...]
    comparisons: tuple[_Compiled, ...]
    rules: tuple[_Rule, ...]
    match_at: float
    candidate_at: float

    def blocking_keys(self, record: MatchRecord) -> list[str]:
        """The keys under which ``record`` is filed: two records are compared when they share one."""
        keys: list[str] = []
        for index, parts in enumerate(self.blocking):
            values = [blocking_part(record, part) for part in parts]
            keys.extend(f"{index}:{'|'.join(combo)}" for combo in product(*values))
        return keys

    def compare(self, a: MatchRecord, b: MatchRecord) -> MatchDecision:
        """Measure every comparison, then the first rule that holds, else the thresholds, decides."""
        reasons = []
        score = 0.0
        for comparison in self.comparisons:
            level, value = comparison.measure(a, b)
            weight = comparison.weights.get(level, 0.0)
            score += weight
            reasons.append(Reason(comparison.id, level, weight, value))
        for rule in self.rules:
            if all(reasons[index].level in levels for index, levels in rule.when):
                return MatchDecision(rule.outcome, score, tuple(reasons), rule.id)
        outcome = (
            Outcome.MATCH
            if score >= self.match_at
            else Outcome.CANDIDATE
            if score >= self.candidate_at
            else Outcome.DISTINCT
        )
        return MatchDecision(outcome, score, tuple(reasons))


class MatchRules(Struct, frozen=True):
    """The compiled ``dedup`` file: each pair's matcher and each object's columns."""

    pairs: Mapping[str, PairMatcher]
    columns: Mapping[str, Mapping[str, list[str]]]
    max_block: int
    version: str = ""

    def pair(self, name: str) -> PairMatcher:
        """The matcher of a pair (``lead_lead``); KeyError names the pairs the file defines."""
        try:
            return self.pairs[name]
        except KeyError:
            raise KeyError(
                f"no pair {name!r} in the match rules (defined: {', '.join(self.pairs)})"
            ) from None

    def record(self, sobject: str, raw: Mapping[str, Any]) -> MatchRecord:
        """A record of ``sobject`` (``Lead``, ``Contact``, ``Account``) read through its columns."""
        return features(read_values(raw, self.columns.get(sobject, {})))


def _compile_comparison(comparison: Comparison) -> _Compiled:
    method, target = comparison.method, comparison.field
    if method in SIMILARITY_METHODS:
        order = sorted(comparison.levels.items(), key=lambda item: -item[1])
        return _Compiled(
            comparison.id, leveled(similarity(method, target or "name"), order), dict(comparison.weights)
        )
    level_of = categorical(method, target)
    return _Compiled(comparison.id, lambda a, b: (level_of(a, b), None), dict(comparison.weights))


def _compile_pair(name: str, spec: PairRules) -> PairMatcher:
    index = {comparison.id: i for i, comparison in enumerate(spec.comparisons)}
    rules = tuple(
        _Rule(rule.id, tuple((index[c], frozenset(levels)) for c, levels in rule.when.items()), rule.outcome)
        for rule in spec.rules
    )
    return PairMatcher(
        name=name,
        objects=PAIR_OBJECTS[name],
        blocking=tuple(tuple(parts) for parts in spec.blocking),
        comparisons=tuple(_compile_comparison(comparison) for comparison in spec.comparisons),
        rules=rules,
        match_at=spec.thresholds.match if spec.thresholds else 0.0,
        candidate_at=spec.thresholds.candidate if spec.thresholds else 0.0,
    )


def compile_match_rules(model: DedupFile, *, file: str = "dedup.json", version: str = "") -> MatchRules:
    """Check and compile the file once; ``RuleSetError`` lists its mistakes (``FILE:POINTER: message``)."""
    context = CheckContext(file)
    check_dedup_file(model, context)
    problems = errors_only(context.diagnostics)
    if problems:
        raise RuleSetError(problems, source=file)
    matchers: dict[str, PairMatcher] = {
        name: _compile_pair(name, resolve_pair(model, name)) for name in model.pairs
    }
    columns: dict[str, dict[str, list[str]]] = {
        sobject: {**defaults, **model.columns.get(sobject, {})}  # type: ignore[call-overload]
        for sobject, defaults in DEFAULT_COLUMNS.items()
    }
    return MatchRules(matchers, columns, model.max_block, version)


def candidate_pairs(
    matcher: PairMatcher, records: list[MatchRecord], max_block: int
) -> Iterator[tuple[int, int]]:
    """Each pair of record indexes that shares a blocking key, once, (i, j) with i < j; keys shared by
    more than ``max_block`` records are skipped (too common to tell anyone apart)."""
    blocks: dict[str, list[int]] = {}
    for index, record in enumerate(records):
        for key in matcher.blocking_keys(record):
            blocks.setdefault(key, []).append(index)
    seen: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2 or len(members) > max_block:
            continue
        for i, left in enumerate(members):
            for right in members[i + 1 :]:
                pair = (left, right) if left < right else (right, left)
                if pair not in seen:
                    seen.add(pair)
                    yield pair
