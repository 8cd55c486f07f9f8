"""Writing the plan: one gateway call per sObject Collections request, then the transiently failed ops
again, with backoff.

No request starts unless it can finish in the invocation's time left (``Retrier.can_start``): the ops
of a request that cannot fail transiently with ``OUT_OF_TIME`` and go back to the queue, rather than
the invocation being killed mid-batch.

Every op gets exactly one final answer: its success, or the :class:`Failure` of its last attempt.
Retrying is safe because every op is idempotent: updates set absolute values, and new Leads are
*upserted* on their external key (a retried upsert updates what the first attempt created).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from msgspec import Struct, field

from leadrelay.domain.errors import ErrorDetail
from leadrelay.domain.failures import Classification, classify, classify_all
from leadrelay.domain.writes import WriteOp, WriteResult, request_groups
from leadrelay.pipeline.retrying import Retrier
from leadrelay.ports import SalesforceGateway

NO_ERROR_CODE = "UNKNOWN_FAILURE"
"""Stands in for the error of a failed result that carried none."""


class Failure(Struct, frozen=True):
    """Why events could not be applied: the error of the last attempt and its classification."""

    error: ErrorDetail
    classification: Classification
    first_failed_at: datetime
    last_failed_at: datetime
    attempts: int = 1
    write: WriteOp | None = None
    other_errors: tuple[ErrorDetail, ...] = ()

    @classmethod
    def of(cls, errors: Sequence[ErrorDetail], *, now: datetime, write: WriteOp | None = None) -> Failure:
        """The failure of one attempt: the first permanent error leads (a retry cannot fix it)."""
        if not errors:
            errors = (ErrorDetail(status_code=NO_ERROR_CODE, message="failed without an error"),)
        lead = next((e for e in errors if not classify(e).transient), errors[0])
        others = tuple(e for e in errors if e is not lead)
        return cls(lead, classify_all(errors), now, now, write=write, other_errors=others)

    def again(self, later: Failure) -> Failure:
        """``later`` as a further attempt of the same work (first failure time and count kept)."""
        return Failure(
            later.error,
            later.classification,
            self.first_failed_at,
            later.last_failed_at,
            self.attempts + 1,
            later.write,
            later.other_errors,
        )


class WriteOutcome(Struct, frozen=True):
    """The final answer per op ref: a result or a failure."""

    succeeded: dict[str, WriteResult]
    failed: dict[str, Failure]
    attempts: int
    linked: dict[str, WriteOp] = field(default_factory=dict)
    """Op ref → the update that applied a create, refused by a duplicate rule, to the record it named."""


def write_with_retries(
    gateway: SalesforceGateway,
    ops: Sequence[WriteOp],
    *,
    retrier: Retrier,
    clock: Callable[[], datetime],
    relink: Callable[[WriteOp, ErrorDetail], WriteOp | None] = lambda op, error: None,
) -> WriteOutcome:
    """Write ``ops``; retry the transiently failed ones while the retrier allows. A create the org's
    duplicate rules refuse is written again as ``relink`` says (an update of the record they named)."""
    succeeded: dict[str, WriteResult] = {}
    failed: dict[str, Failure] = {}
    linked: dict[str, WriteOp] = {}
    pending = list(ops)
    attempts = 0
    while pending:
        attempts += 1
        results = _write_in_time(gateway, pending, retrier)
        now = clock()
        retry: list[WriteOp] = []
        for op, result in zip(pending, results, strict=True):
            if result.success:
                succeeded[op.ref] = result
                failed.pop(op.ref, None)
                continue
            failure = Failure.of(result.errors, now=now, write=op)
            earlier = failed.get(op.ref)
            failed[op.ref] = earlier.again(failure) if earlier else failure
            again = next(filter(None, (relink(op, error) for error in result.errors)), None)
            if again is not None:
                linked[op.ref] = again
                retry.append(again)
            elif failure.classification.transient:
                retry.append(op)
        if not retry or not retrier.wait(attempts):
            break
        pending = retry
    return WriteOutcome(succeeded, failed, attempts, linked)


def _write_in_time(gateway: SalesforceGateway, ops: Sequence[WriteOp], retrier: Retrier) -> list[WriteResult]:
    """One gateway call per collection request while time allows; ``OUT_OF_TIME`` for the rest."""
    results: dict[str, WriteResult] = {}
    for group in request_groups(ops):
        if retrier.can_start():
            results.update((result.ref, result) for result in gateway.write(group))
            continue
        error = retrier.out_of_time(f"write {len(group)} {group[0].sobject}").error
        results.update((op.ref, WriteResult(ref=op.ref, success=False, errors=(error,))) for op in group)
    return [results[op.ref] for op in ops]
