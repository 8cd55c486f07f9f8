"""Two new people of one batch flagged as possible duplicates: the id is written once both exist.

The match step compares a batch's new Leads with each other (``pipeline.matching``); a **candidate**
is created with its match score and reasons, but the other Lead has no id until the batch's write
creates it (sObject Collections cannot refer to a record created in the same request). After the
write this step updates each flagged Lead's ``LR_Potential_Duplicate__c`` with the other's id: one
more collection request, only in a batch that has such a pair. If either create failed there is
nothing to link (the events come back, and the next batch compares them with the stored Lead).
A failure of the link is logged, not retried past the retrier's budget: the events are applied,
and the flagged Lead's score and reasons already put it in the review queue.
"""

from __future__ import annotations

import logging

from msgspec import Struct

from leadrelay.domain.matching.linking import POTENTIAL_DUPLICATE
from leadrelay.domain.writes import WriteKind, WriteOp
from leadrelay.pipeline.context import StepContext
from leadrelay.pipeline.state import BatchState
from leadrelay.pipeline.writing import write_with_retries
from leadrelay.ports import SalesforceGateway

logger = logging.getLogger(__name__)
NEW_PREFIX = "new:"


class LinkBatchDuplicates(Struct):
    """Each new Lead flagged as a candidate of another new Lead of the batch gets that Lead's id."""

    gateway: SalesforceGateway
    name: str = "link batch duplicates"

    def run(self, batch: BatchState, ctx: StepContext) -> None:
        """One update per flagged pair whose two Leads were both created."""
        created = {
            op.external_id: batch.written[op.ref].record_id
            for op in batch.plan
            if op.sobject == "Lead" and op.external_id and op.ref in batch.written
        }
        links = [
            WriteOp(
                ref=f"duplicate:{flagged}",
                sobject="Lead",
                kind=WriteKind.UPDATE,
                fields={POTENTIAL_DUPLICATE: created[other.removeprefix(NEW_PREFIX)]},
                record_id=created[flagged.removeprefix(NEW_PREFIX)],
            )
            for flagged, other in sorted(batch.batch_duplicates.items())
            if created.get(flagged.removeprefix(NEW_PREFIX)) and created.get(other.removeprefix(NEW_PREFIX))
        ]
        if not links:
            return
        outcome = write_with_retries(self.gateway, links, retrier=ctx.retrier, clock=ctx.clock)
        for ref, failure in outcome.failed.items():
            logger.warning(
                "could not name a potential duplicate created in the same batch",
                extra={"ref": ref, "error": failure.error.status_code},
            )
