"""SQS ``SendMessageBatch`` within its limits (10 entries, 256 KiB a batch), retrying AWS-side failures.

Shared by the ingest queue (:mod:`leadrelay.adapters.ingest_queue`, the ingress functions) and the dead-letter
queue and its redrive (the processor, the CLI), without the ingress functions' idempotency layer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from leadrelay.adapters.runs import bounded_runs

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import SendMessageBatchRequestEntryTypeDef

MAX_MESSAGE_BYTES = 262_144
"""The SQS message and batch size limit kept to (256 KiB)."""
_BATCH = 10


def chunks(
    entries: Sequence[SendMessageBatchRequestEntryTypeDef],
) -> Iterator[list[SendMessageBatchRequestEntryTypeDef]]:
    """Groups of at most 10 entries whose bodies together stay within the batch size limit."""
    return bounded_runs(
        entries,
        lambda entry: len(entry["MessageBody"].encode()),
        max_bytes=MAX_MESSAGE_BYTES,
        max_items=_BATCH,
    )


def send_message_batches(
    client: SQSClient,
    queue_url: str,
    entries: Sequence[SendMessageBatchRequestEntryTypeDef],
    *,
    attempts: int = 3,
    pause: Callable[[int], None] = lambda attempt: time.sleep(0.1 * 2**attempt),
) -> dict[str, str]:
    """Send every entry; retry AWS-side failures up to ``attempts`` times. Returns unsent id → reason."""
    pending = {entry["Id"]: entry for entry in entries}
    errors: dict[str, str] = {}
    for attempt in range(attempts):
        if attempt:
            pause(attempt)
        for chunk in chunks(list(pending.values())):
            try:
                response = client.send_message_batch(QueueUrl=queue_url, Entries=chunk)
            except (BotoCoreError, ClientError) as exc:  # the whole call failed: every entry is unsent
                code = exc.response["Error"].get("Code", "") if isinstance(exc, ClientError) else ""
                errors.update(dict.fromkeys((entry["Id"] for entry in chunk), code or type(exc).__name__))
                continue
            for ok in response.get("Successful", []):
                pending.pop(ok["Id"], None)
                errors.pop(ok["Id"], None)
            for bad in response.get("Failed", []):
                errors[bad["Id"]] = f"{bad['Code']}{' (sender fault)' if bad.get('SenderFault') else ''}"
                if bad.get("SenderFault"):  # the same entry would fail again
                    pending.pop(bad["Id"], None)
        if not pending:
            break
    return {entry_id: errors.get(entry_id, "not sent") for entry_id in {*pending, *errors}}
