"""Queues and tables: redrive, visibility, encryption, TTL and recovery as the processor expects."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer
from leadrelay.adapters import activity_table

from tests.infra.cfn import load_template, resources_of_type

QUEUES = sorted(resources_of_type(load_template(), "AWS::SQS::Queue"))
TABLES = sorted(resources_of_type(load_template(), "AWS::DynamoDB::Table"))


def test_the_ingest_queue_redrives_to_the_dead_letter_queue_after_max_receive_count(
    template: dict[str, Any],
) -> None:
    redrive = template["Resources"]["IngestQueue"]["Properties"]["RedrivePolicy"]
    assert redrive == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["DeadLetterQueue", "Arn"]},
        "maxReceiveCount": {"Ref": "MaxReceiveCount"},
    }


def test_the_processor_knows_the_max_receive_count_of_the_redrive_policy(
    functions: dict[str, dict[str, Any]],
) -> None:
    variables = functions["ProcessorFunction"]["Environment"]["Variables"]
    assert variables["LEADRELAY_MAX_RECEIVE_COUNT"] == {"Ref": "MaxReceiveCount"}
    assert variables["LEADRELAY_DLQ_URL"] == {"Ref": "DeadLetterQueue"}


def test_the_ingest_visibility_timeout_covers_six_processor_timeouts_plus_the_batching_window(
    template: dict[str, Any], functions: dict[str, dict[str, Any]]
) -> None:
    visibility = template["Resources"]["IngestQueue"]["Properties"]["VisibilityTimeout"]
    longest_window = template["Parameters"]["ProcessorBatchingWindowSeconds"]["MaxValue"]
    assert visibility >= 6 * functions["ProcessorFunction"]["Timeout"] + longest_window


@pytest.mark.parametrize("queue", QUEUES)
def test_every_queue_is_encrypted_at_rest(queue: str, template: dict[str, Any]) -> None:
    assert template["Resources"][queue]["Properties"]["SqsManagedSseEnabled"] is True


def test_dead_letters_are_kept_for_the_longest_time_sqs_allows(template: dict[str, Any]) -> None:
    for queue in ("DeadLetterQueue", "SalesforceEventsFailureQueue"):
        assert template["Resources"][queue]["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600


@pytest.mark.parametrize("table", TABLES)
def test_every_table_is_on_demand_with_point_in_time_recovery(table: str, template: dict[str, Any]) -> None:
    props = template["Resources"][table]["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def test_the_idempotency_table_has_the_key_and_ttl_powertools_uses(template: dict[str, Any]) -> None:
    layer = DynamoDBPersistenceLayer(
        table_name="idempotency", boto3_session=boto3.Session(region_name="us-east-1")
    )
    props = template["Resources"]["IdempotencyTable"]["Properties"]
    assert props["KeySchema"] == [{"AttributeName": layer.key_attr, "KeyType": "HASH"}]
    assert props["TimeToLiveSpecification"] == {"AttributeName": layer.expiry_attr, "Enabled": True}


def test_the_activity_table_has_the_key_and_ttl_the_activity_store_uses(template: dict[str, Any]) -> None:
    props = template["Resources"]["ActivityTable"]["Properties"]
    assert props["KeySchema"] == [
        {"AttributeName": activity_table.PK, "KeyType": "HASH"},
        {"AttributeName": activity_table.SK, "KeyType": "RANGE"},
    ]
    assert props["TimeToLiveSpecification"] == {
        "AttributeName": activity_table.TTL_ATTRIBUTE,
        "Enabled": True,
    }


def test_the_outputs_name_the_api_the_queues_and_the_tables(template: dict[str, Any]) -> None:
    assert {
        "WebhookApiUrl",
        "IngestQueueUrl",
        "DeadLetterQueueUrl",
        "SalesforceEventsFailureQueueUrl",
        "ActivityTableName",
        "IdempotencyTableName",
    } <= set(template["Outputs"])
