"""Every failure names where it happened, and the one failure table classifies it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from leadrelay.adapters.activity_store import InMemoryActivityStore
from leadrelay.bootstrap.processor import assemble_pipeline
from leadrelay.domain.errors import ErrorSource
from leadrelay.domain.events import CanonicalEvent
from leadrelay.domain.failures import ErrorCategory
from leadrelay.engine.decision import Decision
from leadrelay.pipeline import Outcome
from leadrelay.rulefiles.bundle import load_rule_bundle
from leadrelay_tools.local_pipeline import InMemoryDeadLetters
from msgspec.structs import replace

from tests.pipeline.support import HANAKO, RULES, TARO, FakeClock, make_pipeline, message, page_view
from tests.plugins.fake_salesforce import InMemorySalesforce


class UnwritableStore(InMemoryActivityStore):
    """The activity store, with every write refused (DynamoDB throttling, say)."""

    def record(self, events: Sequence[CanonicalEvent]) -> list[bool | Exception]:
        return [ConnectionError("throttled") for _ in events]


class BrokenRules:
    """A rule set whose evaluation raises for one company (an engine bug)."""

    def __init__(self, rules: Any, company: str) -> None:
        self._rules, self._company = rules, company

    @property
    def version(self) -> str:
        return str(self._rules.version)

    def evaluate(self, context: Mapping[str, Any], *, now: datetime, trace: bool = False) -> Decision:
        if context.get("lead", {}).get("Company") == self._company:
            raise ZeroDivisionError("division by zero")
        decision: Decision = self._rules.evaluate(context, now=now, trace=trace)
        return decision


def test_an_unreadable_body_fails_at_the_event_source(fake_salesforce: InMemorySalesforce) -> None:
    pipeline, clock, sink = make_pipeline(fake_salesforce)
    pipeline.run([message('{"kind": "activity"}')], remaining=clock.remaining)
    (letter,) = sink.letters
    assert letter.error.source is ErrorSource.EVENT


def test_an_activity_store_failure_is_the_stores_and_transient_without_an_http_status(
    fake_salesforce: InMemorySalesforce,
) -> None:
    pipeline, clock, sink = make_pipeline(fake_salesforce, store=UnwritableStore(), max_receive_count=3)
    report = pipeline.run([message(page_view(TARO), receive_count=3)], remaining=clock.remaining)
    (result,) = report.results.values()
    assert (result.outcome, result.error_code) == (Outcome.DEAD_LETTERED, "ACTIVITY_STORE_ERROR")
    (letter,) = sink.letters
    assert (letter.error.source, letter.error.http_status) == (ErrorSource.ACTIVITY_STORE, None)
    assert letter.category is ErrorCategory.UNAVAILABLE


def test_a_rule_evaluation_error_is_the_engines_and_costs_only_that_persons_events(
    fake_salesforce: InMemorySalesforce,
) -> None:
    bundle = load_rule_bundle(RULES)
    sink, clock = InMemoryDeadLetters(), FakeClock()
    broken = BrokenRules(bundle.rules, company="株式会社サンプル商事")
    pipeline = assemble_pipeline(
        replace(bundle, rules=broken),
        gateway=fake_salesforce,
        activities=InMemoryActivityStore(),
        dead_letters=sink,
    )
    taro = page_view(TARO, fields={"Company": "株式会社サンプル商事"})
    hanako = page_view(HANAKO, fields={"Company": "例示工業株式会社"})
    report = pipeline.run([message(taro), message(hanako)], remaining=clock.remaining)
    outcomes = {r.event_key: r.outcome for r in report.results.values()}
    assert outcomes == {taro.idempotency_key: Outcome.DEAD_LETTERED, hanako.idempotency_key: Outcome.APPLIED}
    (letter,) = sink.letters
    assert (letter.error.source, letter.error.status_code) == (
        ErrorSource.RULE_EVALUATION,
        "RULE_EVALUATION_ERROR",
    )
    assert "ZeroDivisionError" in letter.error.message
