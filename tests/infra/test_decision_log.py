"""The decision log's bucket and Glue table: encrypted, private, kept as long as the parameter says, and
queryable with Athena over exactly the columns the processor writes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from leadrelay.domain.decision_log import DecisionEntry, SlaReason

from tests.infra.cfn import policy_statements


def _bucket(template: dict[str, Any]) -> dict[str, Any]:
    return dict(template["Resources"]["DecisionLogBucket"]["Properties"])


def test_the_glue_table_has_a_column_for_every_field_of_a_decision_entry(template: dict[str, Any]) -> None:
    table = template["Resources"]["DecisionLogTable"]["Properties"]["TableInput"]

    columns = [column["Name"] for column in table["StorageDescriptor"]["Columns"]]

    assert columns == list(DecisionEntry.__struct_fields__)


def test_the_sla_column_has_a_field_for_every_field_of_an_sla_reason(template: dict[str, Any]) -> None:
    table = template["Resources"]["DecisionLogTable"]["Properties"]["TableInput"]
    [column] = [c for c in table["StorageDescriptor"]["Columns"] if c["Name"] == "sla"]

    fields = re.findall(r"(\w+):string", column["Type"])

    assert fields == list(SlaReason.__struct_fields__)


def test_the_glue_table_projects_its_date_partitions_onto_the_processors_keys(
    template: dict[str, Any],
) -> None:
    table = template["Resources"]["DecisionLogTable"]["Properties"]["TableInput"]

    assert [key["Name"] for key in table["PartitionKeys"]] == ["dt"]
    assert table["Parameters"]["projection.dt.format"] == "yyyy-MM-dd"
    assert table["Parameters"]["storage.location.template"]["Fn::Sub"].endswith("/decisions/dt=${!dt}")


def test_the_bucket_is_encrypted_and_never_public(template: dict[str, Any]) -> None:
    bucket = _bucket(template)

    [rule] = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert all(bucket["PublicAccessBlockConfiguration"].values())


def test_decisions_expire_after_the_retention_parameter(template: dict[str, Any]) -> None:
    rules = _bucket(template)["LifecycleConfiguration"]["Rules"]

    [retention] = [rule for rule in rules if rule["Prefix"] == "decisions/"]
    assert retention["ExpirationInDays"] == {"Ref": "DecisionLogRetentionDays"}


@pytest.mark.parametrize("function", ["ProcessorFunction", "SlaMonitorFunction"])
def test_the_processor_and_the_sla_monitor_may_only_put_objects_under_the_logs_prefix(
    deployed: dict[str, Any], function: str
) -> None:
    granted = [
        statement
        for where, statement in policy_statements(deployed)
        if where.startswith(f"{function}Role") and "DecisionLogBucket" in repr(statement["Resource"])
    ]

    [statement] = granted
    assert statement["Action"] == ["s3:PutObject"]
    assert statement["Resource"] == {"Fn::Sub": "${DecisionLogBucket.Arn}/decisions/*"}


def test_the_sla_monitor_writes_to_the_processors_bucket(functions: dict[str, Any]) -> None:
    variables = functions["SlaMonitorFunction"]["Environment"]["Variables"]

    assert variables["LEADRELAY_DECISION_LOG_BUCKET"] == {"Ref": "DecisionLogBucket"}
