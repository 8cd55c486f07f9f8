"""The decision log's two homes: S3 date partitions in AWS, a directory on the embedded defaults.

Both write one JSON Lines object per batch at :func:`~leadrelay.domain.decision_log.object_key`, so
the Glue table (Athena) and ``leadrelay why`` (DuckDB) read either the same way. S3 objects are
encrypted with SSE-KMS; the bucket's lifecycle rule keeps them as long as the stack's
``DecisionLogRetentionDays`` says.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from leadrelay.domain.decision_log import (
    DEFAULT_PREFIX,
    DecisionEntry,
    DecisionLogError,
    object_key,
    to_json_lines,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


class S3DecisionLog:
    """Decision entries as ``s3://<bucket>/<prefix>dt=YYYY-MM-DD/<batch>.jsonl``, one PutObject a batch."""

    def __init__(self, client: S3Client, bucket: str, prefix: str = DEFAULT_PREFIX) -> None:
        self._client = client
        self._bucket = bucket
        self._prefix = prefix

    def append(self, entries: Sequence[DecisionEntry], *, batch: str) -> None:
        """Store the batch's entries; raises ``DecisionLogError`` naming the bucket and key."""
        if not entries:
            return
        key = object_key(entries[0].logged_at, batch, self._prefix)
        try:
            self._client.put_object(
                Bucket=self._bucket,
                Key=key,
                Body=to_json_lines(entries),
                ContentType="application/x-ndjson",
                ServerSideEncryption="aws:kms",
            )
        except (ClientError, BotoCoreError) as error:
            raise DecisionLogError(f"s3://{self._bucket}/{key}: {error}") from error


class DirectoryDecisionLog:
    """Decision entries as files under a local directory (the demo, replay, local runs)."""

    def __init__(self, root: Path, prefix: str = DEFAULT_PREFIX) -> None:
        self.root = root
        self._prefix = prefix

    def append(self, entries: Sequence[DecisionEntry], *, batch: str) -> None:
        """Write the batch's file atomically (a temporary file renamed into place)."""
        if not entries:
            return
        path = self.root / object_key(entries[0].logged_at, batch, self._prefix)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".part")
            partial.write_bytes(to_json_lines(entries))
            os.replace(partial, path)
        except OSError as error:
            raise DecisionLogError(f"{path}: {error.strerror or error}") from error


__all__ = ["DirectoryDecisionLog", "S3DecisionLog"]
