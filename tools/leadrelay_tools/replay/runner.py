"""Each replayed delivery through the Lambda functions' own code, and what became of every event.

Ingress runs the handlers themselves (``leadrelay.handlers.webhook.handle`` with an API Gateway v2
event built from the captured request, ``leadrelay.handlers.salesforce_events.handle`` with the
envelope), on runtimes built by the composition root (``leadrelay.bootstrap``); only the queue
differs: accepted events are collected here instead of being sent to the ingest queue, then
processed in batches by the processor's own pipeline (``leadrelay.bootstrap.processor``).
A transient failure is delivered again, as SQS would, until the pipeline applies or dead-letters it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from leadrelay.adapters.ingest_queue import IdempotentEnqueuer, PlainEnqueuer
from leadrelay.adapters.secrets import SecretUnavailableError
from leadrelay.bootstrap import NO_OVERRIDES, Overrides
from leadrelay.bootstrap import processor as processor_root
from leadrelay.bootstrap import salesforce as salesforce_root
from leadrelay.bootstrap import salesforce_events as salesforce_events_root
from leadrelay.bootstrap import webhook as webhook_root
from leadrelay.domain.events import CanonicalEvent
from leadrelay.handlers import salesforce_events, webhook
from leadrelay.ingress.results import IngressError
from leadrelay.ingress.webhooks import find_mapping
from leadrelay.pipeline import InboundMessage, Outcome, Pipeline
from leadrelay.ports import EnqueueOutcome, Enqueuer
from leadrelay.rulefiles.bundle import load_rule_bundle
from leadrelay.settings import ProcessorSettings, SalesforceEventsSettings, Settings, WebhookSettings
from msgspec.structs import replace

from leadrelay_tools.local_pipeline import InMemoryDeadLetters
from leadrelay_tools.replay.invocation import (
    INVOCATION_SECONDS,
    CollectingQueue,
    RecordingEnqueuer,
    ReplayClock,
    ReplayContext,
    http_api_event,
)
from leadrelay_tools.replay.lines import BadLine, Line, SalesforceLine, WebhookLine
from leadrelay_tools.replay.recording import DryRunActivities, RecordingGateway, describe_writes
from leadrelay_tools.replay.verdicts import Row, Verdict

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext


def build_pipeline(settings: Settings, overrides: Overrides = NO_OVERRIDES) -> Pipeline:
    """The processor function's own pipeline (``leadrelay.bootstrap``) for ``settings``."""
    return processor_root.processor_runtime(ProcessorSettings.of(settings), overrides).pipeline


def recording_pipeline(
    settings: Settings, overrides: Overrides = NO_OVERRIDES, *, dry_run: bool = False
) -> tuple[Pipeline, RecordingGateway]:
    """The processor's pipeline with its gateway wrapped to remember what each event wrote; ``dry_run``:
    nothing is written to Salesforce, the activity store or the dead-letter queue (reads still are)."""
    processor = ProcessorSettings.of(settings)
    gateway = overrides.gateway or salesforce_root.salesforce_gateway(
        processor, load_rule_bundle(settings.rules_path).ownership
    )
    recorder = RecordingGateway(gateway, dry_run=dry_run)
    seams = replace(overrides, gateway=recorder)
    if dry_run:
        activities = overrides.activities or processor_root.activity_store(processor)
        seams = replace(seams, activities=DryRunActivities(activities), dead_letters=InMemoryDeadLetters())
    return build_pipeline(settings, seams), recorder


class Replayer:
    """Replays lines through ingress, then the pipeline, collecting one :class:`Row` per outcome."""

    def __init__(
        self,
        settings: Settings,
        *,
        dedupe: bool = True,
        batch_size: int = 200,
        overrides: Overrides = NO_OVERRIDES,
        dry_run: bool = False,
    ) -> None:
        self.queue = CollectingQueue()
        inner: Enqueuer = (
            IdempotentEnqueuer(self.queue, settings.idempotency_table)
            if dedupe and settings.idempotency_table and not dry_run
            else PlainEnqueuer(self.queue)
        )
        self.enqueuer = RecordingEnqueuer(inner)
        self.clock = ReplayClock()
        seams = Overrides(enqueuer=self.enqueuer, clock=self.clock)
        self.webhooks = webhook_root.webhook_runtime(WebhookSettings.of(settings), seams)
        self.salesforce = salesforce_events_root.salesforce_events_runtime(
            SalesforceEventsSettings.of(settings), seams
        )
        self.pipeline, self.recorder = recording_pipeline(settings, overrides, dry_run=dry_run)
        self.batch_size = batch_size
        self.started = datetime.now(UTC)
        self.rows: list[Row] = []
        self._pending: list[tuple[int, str, CanonicalEvent]] = []

    def replay(self, lines: Iterable[Line], on_row: Callable[[Row], None] = lambda row: None) -> list[Row]:
        """Replay every line, in order; ``on_row`` sees each row as soon as it is known."""
        for line in lines:
            for row in self._ingest(line):
                self._add(row, on_row)
            if len(self._pending) >= self.batch_size:
                for row in self._process():
                    self._add(row, on_row)
        for row in self._process():
            self._add(row, on_row)
        return sorted(self.rows, key=lambda row: row.line)

    def _add(self, row: Row, on_row: Callable[[Row], None]) -> None:
        self.rows.append(row)
        on_row(row)

    # --- ingress -------------------------------------------------------------------------------

    def _ingest(self, line: Line) -> list[Row]:
        delivery = line.delivery
        if isinstance(delivery, BadLine):
            return [Row(line.number, "-", Verdict.REJECTED, reason=delivery.reason)]
        if isinstance(delivery, WebhookLine):
            self.clock.now = delivery.received_at or self.started
            rows = self._webhook(line.number, delivery)
            source = delivery.provider
        else:
            self.clock.now = delivery.received_at or self.started
            rows = self._salesforce(line.number, delivery)
            source = delivery.label
        accepted = {event.idempotency_key: event for event in self.queue.take()}
        for key in self.enqueuer.last.enqueued:
            if key in accepted:
                self._pending.append((line.number, source, accepted[key]))
        for key in self.enqueuer.last.duplicates:
            rows.append(Row(line.number, source, Verdict.DUPLICATE, key=key, reason="already accepted"))
        self.enqueuer.last = EnqueueOutcome()
        return rows

    def _webhook(self, number: int, line: WebhookLine) -> list[Row]:
        try:
            event = http_api_event(line)
        except ValueError as exc:
            return [Row(number, line.provider, Verdict.REJECTED, reason=str(exc))]
        response = webhook.handle(event, cast("LambdaContext", ReplayContext()), self.webhooks)
        status = int(response.get("statusCode", 500))
        body = _json_object(response.get("body"))
        if status == 200:
            skipped = int(body.get("skipped", 0))
            reason = f"{skipped} event(s) left out by the {line.provider} mapping's filter"
            return [Row(number, line.provider, Verdict.DROPPED, reason=reason)] if skipped else []
        verdict = Verdict.REJECTED if 400 <= status < 500 else Verdict.FAILED
        message = (status == 503 and self._secret_problem(line.provider)) or body.get("message", "")
        return [Row(number, line.provider, verdict, reason=f"HTTP {status}: {message}")]

    def _secret_problem(self, provider: str) -> str | None:
        """Why the provider's webhook secret cannot be read (the cause behind the function's 503)."""
        try:
            mapping = find_mapping(self.webhooks.mappings, provider)
            self.webhooks.secrets.for_provider(mapping.spec.signature.secret or provider)
        except SecretUnavailableError as exc:
            return str(exc)
        except IngressError:
            return None
        return None

    def _salesforce(self, number: int, line: SalesforceLine) -> list[Row]:
        context = cast("LambdaContext", ReplayContext())
        try:
            result = salesforce_events.handle(line.envelope, context, self.salesforce)
        except salesforce_events.UnreadableEventError as exc:
            return [Row(number, line.label, Verdict.REJECTED, reason=str(exc))]
        except Exception as exc:  # the function would fail and go to its on-failure destination
            return [Row(number, line.label, Verdict.FAILED, reason=f"{type(exc).__name__}: {exc}")]
        return [
            Row(number, line.label, Verdict.DROPPED, event=notice["kind"], reason=notice["reason"])
            for notice in result.get("notices", [])
        ]

    # --- processing ------------------------------------------------------------------------------

    def _process(self) -> list[Row]:
        pending, self._pending = self._pending, []
        if not pending:
            return []
        origin = {f"replay-{i}": item for i, item in enumerate(pending)}
        messages = [
            InboundMessage(message_id=mid, body=event.model_dump_json(), receive_count=1)
            for mid, (_, _, event) in origin.items()
        ]
        rows: list[Row] = []
        while messages:
            report = self.pipeline.run(messages, remaining=lambda: INVOCATION_SECONDS)
            letters = {letter.event.idempotency_key: letter for letter in report.dead_letters if letter.event}
            again = []
            for message in messages:
                result = report.result_of(message.message_id)
                number, source, event = origin[message.message_id]
                if result.outcome is Outcome.RETRY:
                    again.append(replace(message, receive_count=message.receive_count + 1))
                    continue
                reason = ""
                changes = describe_writes(self.recorder.take(event.idempotency_key)) or "nothing to write"
                verdict = Verdict.APPLIED
                if result.outcome is Outcome.DEAD_LETTERED:
                    verdict, changes = Verdict.DEAD_LETTERED, ""
                    letter = letters.get(event.idempotency_key)
                    reason = (
                        f"{letter.error.status_code}: {letter.error.message} (owner: {letter.owner})"
                        if letter
                        else str(result.error_code)
                    )
                rows.append(Row(number, source, verdict, event.type, event.idempotency_key, reason, changes))
            messages = again
        return sorted(rows, key=lambda row: row.line)


def _json_object(text: Any) -> dict[str, Any]:
    try:
        value = json.loads(text) if isinstance(text, str) else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
