"""The owners' follow-up Tasks, written right after the leads they follow up.

The route step decides each Task (owner, due at the first-contact deadline, upsert key made from the
event) but leaves it on the batch: a Lead created in this batch has no id before its write, and a
Task must name its lead (``WhoId``). After the write, each Task whose lead's write succeeded gets the
lead's id — known, or the one its create returned — and all of them go out in one upsert request per
200 Tasks (the same one request a batch of existing leads always needed). A Task whose write fails
fails its event like any write (it comes back; the upsert key keeps it single).
"""

from __future__ import annotations

from msgspec import Struct
from msgspec.structs import replace

from leadrelay.domain.ownership import OwnershipMap
from leadrelay.domain.writeplan import WriteIntent, plan_writes
from leadrelay.pipeline.context import StepContext
from leadrelay.pipeline.state import BatchState
from leadrelay.pipeline.writing import write_with_retries
from leadrelay.ports import SalesforceGateway


class WriteFollowUps(Struct):
    """Write the batch's follow-up Tasks, each naming its lead (after ``write``)."""

    gateway: SalesforceGateway
    ownership: OwnershipMap
    name: str = "write follow-ups"

    def run(self, batch: BatchState, ctx: StepContext) -> None:
        """Fill in the new leads' ids, then plan and write the Tasks like any write."""
        ready: list[WriteIntent] = []
        for task in batch.follow_ups:
            key = task.event_keys[0]
            if batch.parents.get(key, key) in batch.failures:
                continue
            lead = batch.writes.get(key)
            result = batch.written.get(lead.ref) if lead is not None else None
            who = task.desired.get("WhoId") or (result.record_id if result is not None else None)
            if who:
                ready.append(replace(task, desired={**task.desired, "WhoId": who}))
        batch.follow_ups = []
        if not ready:
            return
        plan = list(plan_writes(ready, self.ownership).ops)
        outcome = write_with_retries(self.gateway, plan, retrier=ctx.retrier, clock=ctx.clock)
        by_ref = {op.ref: op for op in plan}
        for ref, failure in outcome.failed.items():
            for key in by_ref[ref].event_keys:
                batch.fail(key, failure)
        batch.plan.extend(plan)
        batch.written.update(outcome.succeeded)
