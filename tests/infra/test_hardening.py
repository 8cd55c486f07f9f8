"""Least privilege and hardening: DynamoDB actions the code makes, access logs, log retention and keys."""

from __future__ import annotations

import inspect
import re
from types import ModuleType
from typing import Any

import botocore.session
import pytest
from aws_lambda_powertools.utilities.idempotency.persistence import dynamodb as idempotency_persistence
from leadrelay.adapters import activity_store, alert_ledger

from tests.infra.cfn import load_template, policy_statements, resources_of_type

UNUSED_DYNAMODB_ACTIONS = {
    "dynamodb:Scan",
    "dynamodb:BatchWriteItem",
    "dynamodb:DescribeTable",
    "dynamodb:ConditionCheckItem",
}
LOG_GROUPS = sorted(resources_of_type(load_template(), "AWS::Logs::LogGroup"))


def _dynamodb_actions_called_by(module: ModuleType) -> set[str]:
    """``dynamodb:<Operation>`` for every DynamoDB client method ``module`` calls (``.put_item(``…)."""
    model = botocore.session.get_session().get_service_model("dynamodb")
    source = inspect.getsource(module)
    methods = {re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower(): name for name in model.operation_names}
    called = set(re.findall(r"\.([a-z_]+)\(", source)) & set(methods)
    return {f"dynamodb:{methods[method]}" for method in called}


def _dynamodb_actions_of(deployed: dict[str, Any], role: str, table: str) -> set[str]:
    actions: set[str] = set()
    for where, statement in policy_statements(deployed):
        granted = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        if where.startswith(role) and table in repr(statement["Resource"]):
            actions |= {action for action in granted if action.startswith("dynamodb:")}
    return actions


def test_the_processor_may_do_on_the_activity_table_exactly_what_the_activity_store_does(
    deployed: dict[str, Any],
) -> None:
    granted = _dynamodb_actions_of(deployed, "ProcessorFunctionRole", "ActivityTable")

    assert granted == _dynamodb_actions_called_by(activity_store) == {"dynamodb:PutItem", "dynamodb:Query"}


def test_the_sla_monitor_may_do_on_the_routing_table_exactly_what_the_alert_ledger_does(
    deployed: dict[str, Any],
) -> None:
    granted = _dynamodb_actions_of(deployed, "SlaMonitorFunctionRole", "RoutingStateTable")

    assert granted == _dynamodb_actions_called_by(alert_ledger)
    assert granted == {
        "dynamodb:BatchGetItem",
        "dynamodb:PutItem",
        "dynamodb:DeleteItem",
        "dynamodb:UpdateItem",
    }


@pytest.mark.parametrize("role", ["WebhookFunctionRole", "SalesforceEventsFunctionRole"])
def test_ingress_may_do_on_the_idempotency_table_exactly_what_powertools_idempotency_does(
    role: str, deployed: dict[str, Any]
) -> None:
    granted = _dynamodb_actions_of(deployed, role, "IdempotencyTable")

    assert granted == _dynamodb_actions_called_by(idempotency_persistence)


def test_no_role_may_scan_batch_write_describe_or_condition_check(deployed: dict[str, Any]) -> None:
    granted = {
        action
        for _, statement in policy_statements(deployed)
        for action in (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
    }
    assert granted & UNUSED_DYNAMODB_ACTIONS == set()


def test_the_webhook_api_stage_writes_access_logs_to_a_log_group_of_the_stack(
    deployed: dict[str, Any],
) -> None:
    (stage,) = resources_of_type(deployed, "AWS::ApiGatewayV2::Stage").values()

    settings = stage["Properties"]["AccessLogSettings"]

    assert settings["DestinationArn"] == {"Fn::GetAtt": ["WebhookAccessLogGroup", "Arn"]}
    assert '"status":"$context.status"' in settings["Format"]


@pytest.mark.parametrize("log_group", LOG_GROUPS)
def test_every_log_group_keeps_logs_as_long_as_the_retention_parameter_says(
    log_group: str, template: dict[str, Any]
) -> None:
    assert template["Resources"][log_group]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


@pytest.mark.parametrize("log_group", LOG_GROUPS)
def test_every_log_group_is_encrypted_with_the_key_parameter_when_one_is_given(
    log_group: str, template: dict[str, Any]
) -> None:
    assert template["Resources"][log_group]["Properties"]["KmsKeyId"] == {
        "Fn::If": ["HasLogKmsKey", {"Ref": "LogKmsKeyArn"}, {"Ref": "AWS::NoValue"}]
    }
    assert template["Conditions"]["HasLogKmsKey"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "LogKmsKeyArn"}, ""]}]
    }


def test_every_function_logs_to_a_log_group_the_stack_manages(functions: dict[str, dict[str, Any]]) -> None:
    targets = {name: props["LoggingConfig"]["LogGroup"] for name, props in functions.items()}

    assert all(target["Ref"] in LOG_GROUPS for target in targets.values())
