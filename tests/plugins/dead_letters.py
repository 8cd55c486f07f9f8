"""Fixture plugin: real (moto) SQS queues — an ingest queue whose redrive policy feeds a dead-letter queue."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

REGION = "ap-northeast-1"
MAX_RECEIVE_COUNT = 3


@dataclass(frozen=True)
class Queues:
    """``leadrelay-ingest`` → after ``MAX_RECEIVE_COUNT`` receives → ``leadrelay-dlq``."""

    sqs: Any
    ingest_url: str
    dlq_url: str

    def move_by_redrive_policy(self, body: str) -> None:
        """Put ``body`` on the ingest queue and fail it until the redrive policy moves it."""
        self.sqs.send_message(QueueUrl=self.ingest_url, MessageBody=body)
        for _ in range(MAX_RECEIVE_COUNT + 1):
            self.sqs.receive_message(QueueUrl=self.ingest_url, VisibilityTimeout=0)

    def bodies(self, url: str) -> list[str]:
        """Every body in a queue (read under a visibility timeout, so each once)."""
        bodies: dict[str, str] = {}
        while messages := self.sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30
        ).get("Messages"):
            bodies.update({m["MessageId"]: m["Body"] for m in messages})
        return list(bodies.values())

    def count(self, url: str) -> int:
        """Messages in a queue, visible or not."""
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        attributes = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
        return sum(int(attributes[name]) for name in names)

    def counts(self) -> tuple[int, int]:
        """Messages still on the ingest queue, and in the dead-letter queue."""
        return self.count(self.ingest_url), self.count(self.dlq_url)


@pytest.fixture
def queues(monkeypatch: pytest.MonkeyPatch) -> Iterator[Queues]:
    """The two queues inside ``mock_aws`` (fake credentials, Tokyo region)."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        sqs = boto3.client("sqs", region_name=REGION)
        dlq_url = sqs.create_queue(QueueName="leadrelay-dlq")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        policy = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": MAX_RECEIVE_COUNT})
        ingest = sqs.create_queue(QueueName="leadrelay-ingest", Attributes={"RedrivePolicy": policy})
        yield Queues(sqs, ingest["QueueUrl"], dlq_url)
