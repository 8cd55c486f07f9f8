"""Least privilege: every IAM statement names its resources (checked on what SAM generates)."""

from __future__ import annotations

from typing import Any

from tests.infra.cfn import policy_statements, resources_of_type

BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
"""The one documented exception (docs/deploy.md): SAM's logging policy, whose Resource is "*"."""


def _resources(statement: dict[str, Any]) -> list[Any]:
    resource = statement.get("Resource", [])
    return resource if isinstance(resource, list) else [resource]


def test_no_policy_statement_grants_access_to_every_resource(deployed: dict[str, Any]) -> None:
    wildcards = [where for where, st in policy_statements(deployed) if "*" in _resources(st)]
    assert wildcards == []


def test_the_only_managed_policy_is_basic_lambda_logging(deployed: dict[str, Any]) -> None:
    attached = {
        arn
        for role in resources_of_type(deployed, "AWS::IAM::Role").values()
        for arn in role["Properties"].get("ManagedPolicyArns", [])
    }
    assert attached == {BASIC_EXECUTION}


def test_each_function_has_its_own_role_and_the_schedule_one_to_invoke_the_sla_monitor_or_dead_letter(
    deployed: dict[str, Any],
) -> None:
    roles = resources_of_type(deployed, "AWS::IAM::Role")
    functions = {"ProcessorFunction", "WebhookFunction", "SalesforceEventsFunction", "SlaMonitorFunction"}
    assert set(roles) == {f"{name}Role" for name in functions} | {"SlaMonitorFunctionEvery15MinutesRole"}
    invokes = [
        st for where, st in policy_statements(deployed) if where.startswith("SlaMonitorFunctionEvery15")
    ]
    granted = {
        (
            action,
            "SlaMonitorFunction" in repr(st["Resource"]) or "SlaMonitorFailureQueue" in repr(st["Resource"]),
        )
        for st in invokes
        for action in _list(st["Action"])
    }
    assert granted == {("lambda:InvokeFunction", True), ("sqs:SendMessage", True)}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _named(deployed: dict[str, Any], role: str) -> str:
    return repr([st for where, st in policy_statements(deployed) if where.startswith(role)])


def test_only_the_processor_and_the_sla_monitor_read_the_salesforce_credentials(
    deployed: dict[str, Any],
) -> None:
    assert "SalesforceSecretArn" in _named(deployed, "ProcessorFunctionRole")
    assert "SalesforceSecretArn" in _named(deployed, "SlaMonitorFunctionRole")
    assert "SalesforceSecretArn" not in _named(deployed, "WebhookFunctionRole")
    assert "SalesforceSecretArn" not in _named(deployed, "SalesforceEventsFunctionRole")


def test_only_the_webhook_function_reads_the_webhook_secrets(deployed: dict[str, Any]) -> None:
    assert "WebhookSecretArn" in _named(deployed, "WebhookFunctionRole")
    assert "WebhookSecretArn" not in _named(deployed, "ProcessorFunctionRole")
    assert "WebhookSecretArn" not in _named(deployed, "SalesforceEventsFunctionRole")
    assert "WebhookSecretArn" not in _named(deployed, "SlaMonitorFunctionRole")


def test_only_the_functions_that_alert_reps_read_the_slack_webhook(deployed: dict[str, Any]) -> None:
    assert "SlackSecretArn" in _named(deployed, "SlaMonitorFunctionRole")
    assert "SlackSecretArn" in _named(deployed, "ProcessorFunctionRole")
    assert "SlackSecretArn" not in _named(deployed, "WebhookFunctionRole")


def test_the_processor_polls_only_the_ingest_queue(deployed: dict[str, Any]) -> None:
    polls = [
        st
        for where, st in policy_statements(deployed)
        if where.startswith("ProcessorFunctionRole") and "sqs:ReceiveMessage" in st["Action"]
    ]
    assert len(polls) == 1
    assert "IngestQueue" in repr(polls[0]["Resource"])


def test_only_eventbridge_rules_of_this_stack_may_dead_letter_into_the_failure_queue(
    deployed: dict[str, Any],
) -> None:
    (statement,) = [st for where, st in policy_statements(deployed) if where.endswith("QueuePolicy")]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert "aws:SourceArn" in statement["Condition"]["ArnEquals"]
