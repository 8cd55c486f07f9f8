"""Every handler template.yaml names exists: a cold start in the environment the template gives it works.

The environment is the function's, resolved from template.yaml: parameters get deployment-like values
(the Salesforce secret is a real secret in moto, its ARN passed as the template expects), resources
their moto names, and ``LEADRELAY_RULES_PATH`` (``/opt``, the layer's mount point) the ``rules/``
directory the layer is built from.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tests.infra.cfn import ROOT, function_properties, load_template, parameter_defaults, resolve

FUNCTIONS = sorted(function_properties(load_template()))
REGION = "ap-northeast-1"
CREDENTIALS = {
    "flow": "client_credentials",
    "login_url": "https://sample-shoji.my.salesforce.com",
    "consumer_key": "3MVG9-test-consumer-key",
    "consumer_secret": "test-consumer-secret",
}


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """moto with the stack's queues, tables and secrets; yields template parameter and resource values."""
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        sqs = boto3.client("sqs", region_name=REGION)
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        secrets = boto3.client("secretsmanager", region_name=REGION)
        values: dict[str, Any] = {
            "IngestQueue": sqs.create_queue(QueueName="leadrelay-IngestQueue")["QueueUrl"],
            "DeadLetterQueue": sqs.create_queue(QueueName="leadrelay-DeadLetterQueue")["QueueUrl"],
            "SalesforceSecretArn": secrets.create_secret(
                Name="leadrelay/salesforce", SecretString=json.dumps(CREDENTIALS)
            )["ARN"],
            "WebhookSecretArn": secrets.create_secret(
                Name="leadrelay/webhooks", SecretString=json.dumps({"hubspot": "test-secret"})
            )["ARN"],
            "IntegrationUserId": "005RM0000000001YAA",
        }
        for table in ("ActivityTable", "IdempotencyTable"):
            dynamodb.create_table(
                TableName=f"leadrelay-{table}",
                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
            values[table] = f"leadrelay-{table}"
        yield values


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_handler_the_template_names_cold_starts_in_its_template_environment(
    function: str,
    functions: dict[str, dict[str, Any]],
    template: dict[str, Any],
    aws: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    variables = resolve(
        functions[function]["Environment"]["Variables"], {**parameter_defaults(template), **aws}
    )
    for name, value in variables.items():
        monkeypatch.setenv(name, str(value))
    monkeypatch.setenv("LEADRELAY_RULES_PATH", str(ROOT / "rules"))
    module_name, _, attribute = functions[function]["Handler"].rpartition(".")
    module = importlib.import_module(module_name)
    module.default_runtime.cache_clear()  # a new execution environment
    try:
        assert module.default_runtime() is not None  # what the first invocation builds
    finally:
        module.default_runtime.cache_clear()
    assert callable(getattr(module, attribute))
