"""The pipeline is an ordered list of steps over one batch state; a new stage is a new step."""

from __future__ import annotations

from dataclasses import dataclass

from leadrelay.domain.errors import ErrorDetail, ErrorSource
from leadrelay.pipeline import Outcome
from leadrelay.pipeline.state import BatchState
from leadrelay.pipeline.steps import ResolveIdentities, StepContext

from tests.pipeline.support import HANAKO, TARO, leads_by_email, make_pipeline, message, page_view
from tests.plugins.fake_salesforce import InMemorySalesforce


@dataclass
class HoldCompetitors:
    """A stage someone adds: events from a competitor's domain never reach Salesforce."""

    domain: str
    name: str = "hold competitors"

    def run(self, batch: BatchState, ctx: StepContext) -> None:
        for key, event in batch.working.items():
            if (event.identity.email or "").endswith("@" + self.domain):
                error = ErrorDetail(source=ErrorSource.EVENT, status_code="COMPETITOR", message=self.domain)
                batch.fail(key, ctx.failure([error]))
        batch.working = {k: e for k, e in batch.working.items() if k not in batch.failures}


def test_the_processor_runs_its_steps_in_order(fake_salesforce: InMemorySalesforce) -> None:
    pipeline, _, _ = make_pipeline(fake_salesforce)
    assert [step.name for step in pipeline.steps] == [
        "parse",
        "heal",
        "enrich",
        "account keys",
        "resolve",
        "match",
        "record activities",
        "evaluate",
        "route",
        "plan",
        "write",
        "write follow-ups",
        "link batch duplicates",
        "reconcile",
    ]


def test_a_step_inserted_before_resolution_stops_its_events_and_only_those(
    fake_salesforce: InMemorySalesforce,
) -> None:
    pipeline, clock, sink = make_pipeline(fake_salesforce)
    at = next(i for i, step in enumerate(pipeline.steps) if isinstance(step, ResolveIdentities))
    pipeline.steps.insert(at, HoldCompetitors("example-kogyo.co.jp"))
    report = pipeline.run([message(page_view(TARO)), message(page_view(HANAKO))], remaining=clock.remaining)
    assert sorted(r.outcome for r in report.results.values()) == [Outcome.APPLIED, Outcome.DEAD_LETTERED]
    assert set(leads_by_email(fake_salesforce)) == {TARO}
    assert [letter.error.status_code for letter in sink.letters] == ["COMPETITOR"]
