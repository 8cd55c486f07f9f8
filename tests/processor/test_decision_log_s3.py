"""The processor Lambda keeps its decisions in the S3 decision log the stack names (moto, local org)."""

from __future__ import annotations

import json
from types import ModuleType

import boto3
import pytest
from leadrelay_tools.localorg import LocalOrg

from tests.pipeline.support import TARO, leads_by_email, page_view
from tests.plugins.dead_letters import REGION, Queues
from tests.processor.harness import EventSourceMapping, LambdaClock, cold_start, send

BUCKET = "leadrelay-decision-log-123456789012"


@pytest.fixture
def with_log_bucket(environment: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The processor after a cold start with ``LEADRELAY_DECISION_LOG_BUCKET`` set."""
    monkeypatch.setenv("LEADRELAY_DECISION_LOG_BUCKET", BUCKET)
    return cold_start()


def test_each_batch_is_an_encrypted_object_in_its_days_partition(
    with_log_bucket: ModuleType, queues: Queues, local_org: LocalOrg
) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    send(queues, page_view(TARO).model_dump_json())

    EventSourceMapping(queues, with_log_bucket.handler, LambdaClock()).drain()

    [stored] = s3.list_objects_v2(Bucket=BUCKET, Prefix="decisions/dt=")["Contents"]
    head = s3.head_object(Bucket=BUCKET, Key=stored["Key"])
    [entry] = [
        json.loads(line) for line in s3.get_object(Bucket=BUCKET, Key=stored["Key"])["Body"].iter_lines()
    ]
    assert head["ServerSideEncryption"] == "aws:kms"
    assert entry["record_id"] == leads_by_email(local_org)[TARO]["Id"]


def test_without_the_bucket_the_events_stay_on_the_queue_until_they_are_logged(
    with_log_bucket: ModuleType, queues: Queues, local_org: LocalOrg
) -> None:
    send(queues, page_view(TARO).model_dump_json())
    mapping = EventSourceMapping(queues, with_log_bucket.handler, LambdaClock())

    mapping.poll()

    assert queues.count(queues.ingest_url) == 1
    assert queues.count(queues.dlq_url) == 0
