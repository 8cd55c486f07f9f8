"""Rule test cases (``rules/tests/*.json``, ``kind: rule_tests``) and how a decision is checked against one.

A rule test case is what a Salesforce admin writes to pin the behaviour of the shipped rules:
a lead, its activities and an instant ``now`` in, the expected scores, stage and matched rule ids
out. ``compare`` checks a ``Decision`` (evaluated with ``trace=True``) against the expectation and
returns one ``Difference`` per mismatch, which ``format_differences`` renders as a readable diff.

Pure: no file reads and no clock (the CLI reads the files; ``now`` comes from each case).
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal, Protocol

from msgspec import Struct, field
from pydantic import AwareDatetime, Field

from leadrelay.engine.decision import Decision
from leadrelay.engine.diagnostics import Diagnostic, pointer
from leadrelay.engine.file_models import RuleFile, Strict

POINTS_TOLERANCE = 0.01
"""How far a rule's unrounded points may be from ``expect.points`` (decay gives long decimals)."""


class Expectation(Strict):
    """What the evaluation must produce; every key is optional and only given keys are checked."""

    scores: dict[str, int] = Field(default_factory=dict, description="Expected rounded scores, by name.")
    stage: str | None = Field(default=None, description="The stage after evaluation.")
    matched: list[str] | None = Field(
        default=None,
        description="Exactly the ids of the scoring rules and transitions that match (order ignored).",
    )
    not_matched: list[str] = Field(default_factory=list, description="Ids that must not match.")
    points: dict[str, float] = Field(
        default_factory=dict, description="Unrounded points of single rules (within 0.01), by rule id."
    )
    reason_codes: list[str] | None = Field(
        default=None, description="Reason codes of the transitions that fired, in order (backward moves)."
    )


class RuleTestCase(Strict):
    """One case: a lead with its activities at an instant ``now``, and what must come out."""

    name: str = Field(min_length=1, description="Unique within the file; shown in the test report.")
    description: str | None = None
    now: AwareDatetime = Field(description="The evaluation instant, ISO-8601 with an offset.")
    lead: dict[str, Any] = Field(description="Salesforce Lead fields by API name.")
    activities: list[Any] = Field(
        default_factory=list,
        description="Activity records; anything that is not one is ignored, as in production.",
    )
    event: dict[str, Any] | None = Field(default=None, description="The triggering event, if rules read it.")
    expect: Expectation

    def context(self) -> dict[str, Any]:
        """The evaluation context the engine receives for this case."""
        context: dict[str, Any] = {"lead": self.lead, "activities": self.activities}
        if self.event is not None:
            context["event"] = self.event
        return context


class RuleTestFile(RuleFile):
    """``rules/tests/*.json``: a group of rule test cases."""

    kind: Literal["rule_tests"]
    description: str | None = None
    cases: list[RuleTestCase] = Field(min_length=1)


class Difference(Struct, frozen=True):
    """One way the actual decision differs from the expectation."""

    what: str
    """``scores.fit``, ``stage``, ``matched``, ``points[engagement.pricing_page]``…"""
    expected: Any
    actual: Any
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``leadrelay rules test --json``)."""
        return {"what": self.what, "expected": self.expected, "actual": self.actual, "note": self.note}


def _hit_points(decision: Decision) -> dict[str, float]:
    points: dict[str, float] = {}
    for hit in decision.trace or ():
        points[hit.rule_id] = points.get(hit.rule_id, 0.0) + hit.points
    return points


def compare(expect: Expectation, decision: Decision) -> list[Difference]:
    """Every difference between ``expect`` and ``decision`` (empty when the case passes).

    ``decision`` must come from an evaluation with ``trace=True`` when the expectation names
    matched rules or points.
    """
    differences = [
        Difference(f"scores.{name}", want, decision.scores.get(name))
        for name, want in expect.scores.items()
        if decision.scores.get(name) != want
    ]
    if expect.stage is not None and decision.stage != expect.stage:
        differences.append(Difference("stage", expect.stage, decision.stage, _stage_note(decision)))
    matched = set(decision.matched_rule_ids)
    if expect.matched is not None and set(expect.matched) != matched:
        missing = sorted(set(expect.matched) - matched)
        unexpected = sorted(matched - set(expect.matched))
        note = "; ".join(
            part
            for part in (
                f"missing: {', '.join(missing)}" if missing else "",
                f"unexpected: {', '.join(unexpected)}" if unexpected else "",
            )
            if part
        )
        differences.append(Difference("matched", sorted(expect.matched), sorted(matched), note))
    wrongly = sorted(set(expect.not_matched) & matched)
    if wrongly:
        differences.append(
            Difference("not_matched", [], wrongly, f"matched but should not: {', '.join(wrongly)}")
        )
    actual_points = _hit_points(decision)
    for rule_id, want_points in expect.points.items():
        got = actual_points.get(rule_id, 0.0)
        if not math.isclose(got, want_points, abs_tol=POINTS_TOLERANCE):
            differences.append(Difference(f"points[{rule_id}]", want_points, round(got, 4)))
    if expect.reason_codes is not None:
        codes = [t.reason_code for t in decision.transitions if t.reason_code]
        if codes != expect.reason_codes:
            differences.append(Difference("reason_codes", expect.reason_codes, codes))
    return differences


def _stage_note(decision: Decision) -> str:
    path = " → ".join([decision.previous_stage, *(t.to_stage for t in decision.transitions)])
    return f"path: {path}" if decision.transitions else f"stayed at {decision.previous_stage}"


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(item) for item in value) + "]"
    return "(none)" if value is None else str(value)


def format_differences(differences: Sequence[Difference]) -> list[str]:
    """Aligned lines ``what  expected X  got Y  (note)``, one a difference."""
    width = max((len(d.what) for d in differences), default=0)
    lines = []
    for diff in differences:
        line = f"{diff.what.ljust(width)}  expected {_show(diff.expected)}  got {_show(diff.actual)}"
        lines.append(f"{line}  ({diff.note})" if diff.note else line)
    return lines


def unknown_rule_ids(expect: Expectation, rule_ids: Iterable[str]) -> list[str]:
    """The rule ids an expectation names that the rule set does not have (typos would pass silently)."""
    known = set(rule_ids)
    named = [*(expect.matched or ()), *expect.not_matched, *expect.points]
    return sorted({rule_id for rule_id in named if rule_id not in known})


class Evaluator(Protocol):
    """What running the cases needs of a rule set (``leadrelay.RuleSet``)."""

    version: str

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """Ids of every scoring rule and transition."""
        ...

    def evaluate(self, context: Mapping[str, Any], *, now: datetime, trace: bool = False) -> Decision: ...


class CaseResult(Struct, frozen=True):
    """The outcome of one case."""

    file: str
    index: int
    name: str
    differences: tuple[Difference, ...]
    decision: Decision

    @property
    def passed(self) -> bool:
        """True when the decision met every expectation."""
        return not self.differences

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; the full decision only for a failure."""
        entry: dict[str, Any] = {
            "file": self.file,
            "pointer": pointer("cases", self.index),
            "name": self.name,
            "passed": self.passed,
            "differences": [difference.to_dict() for difference in self.differences],
        }
        if not self.passed:
            entry["decision"] = self.decision.to_dict()
        return entry


class RuleTestReport(Struct):
    """Every case's outcome, plus the test files that could not be read (they count as failures)."""

    ruleset_version: str
    results: list[CaseResult] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)

    @property
    def passed(self) -> int:
        """How many cases passed."""
        return sum(1 for result in self.results if result.passed)

    @property
    def failed(self) -> int:
        """How many cases failed."""
        return len(self.results) - self.passed

    @property
    def ok(self) -> bool:
        """True when there was at least one case, every case passed and every file was readable."""
        return bool(self.results) and not self.failed and not self.problems

    def to_dict(self) -> dict[str, Any]:
        """``leadrelay rules test --json``."""
        return {
            "ok": self.ok,
            "ruleset_version": self.ruleset_version,
            "passed": self.passed,
            "failed": self.failed,
            "problems": [problem.to_dict() for problem in self.problems],
            "results": [result.to_dict() for result in self.results],
        }


def run_cases(
    rules: Evaluator, files: Iterable[tuple[str, RuleTestFile]], *, name_filter: str | None = None
) -> RuleTestReport:
    """Evaluate every case of every file (with a trace) and compare it with its expectation."""
    report = RuleTestReport(rules.version)
    for file, document in files:
        for index, case in enumerate(document.cases):
            if name_filter and name_filter.casefold() not in case.name.casefold():
                continue
            decision = rules.evaluate(case.context(), now=case.now, trace=True)
            differences = compare(case.expect, decision)
            unknown = unknown_rule_ids(case.expect, rules.rule_ids)
            if unknown:
                differences.append(
                    Difference("rule ids", [], unknown, "the expectation names rules that do not exist")
                )
            report.results.append(CaseResult(file, index, case.name, tuple(differences), decision))
    return report


def describe_hits(decision: Decision) -> str:
    """``fit.title +12, engagement.pricing_page +25.4, …`` — what actually matched, for a failure report."""
    hits = [f"{hit.rule_id} {format_points(hit.points)}" for hit in decision.trace or ()]
    return ", ".join(hits) or "(no scoring rule matched)"


def format_points(points: float) -> str:
    """Signed, one decimal, without a trailing ``.0``: ``+12``, ``+25.4``, ``-5``."""
    return f"{points:+.1f}".removesuffix(".0")
