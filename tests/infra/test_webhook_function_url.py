"""``WebhookFunctionUrl=enabled``: the webhook function's own public URL beside the HTTP API, bounded by
reserved concurrency; ``disabled`` (the default) deploys none of it."""

from __future__ import annotations

from typing import Any

from tests.infra.cfn import load_template

CONDITION = "HasWebhookFunctionUrl"


def _resources() -> dict[str, Any]:
    resources: dict[str, Any] = load_template()["Resources"]
    return resources


def test_the_function_url_is_off_by_default_and_everything_it_adds_carries_the_condition() -> None:
    template = load_template()
    added = [name for name, body in template["Resources"].items() if body.get("Condition") == CONDITION]

    assert template["Parameters"]["WebhookFunctionUrl"]["Default"] == "disabled"
    assert template["Conditions"][CONDITION] == {"Fn::Equals": [{"Ref": "WebhookFunctionUrl"}, "enabled"]}
    assert sorted(added) == ["WebhookUrl", "WebhookUrlInvokePermission", "WebhookUrlPermission"]
    assert template["Outputs"]["WebhookFunctionUrl"]["Condition"] == CONDITION


def test_the_url_is_public_on_the_webhook_function_whose_code_checks_every_signature() -> None:
    url = _resources()["WebhookUrl"]["Properties"]

    assert url == {"TargetFunctionArn": {"Fn::GetAtt": ["WebhookFunction", "Arn"]}, "AuthType": "NONE"}


def test_both_permissions_a_public_function_url_needs_are_granted_on_the_webhook_function_only() -> None:
    resources = _resources()
    url_permission = resources["WebhookUrlPermission"]["Properties"]
    invoke_permission = resources["WebhookUrlInvokePermission"]["Properties"]

    assert url_permission["Action"] == "lambda:InvokeFunctionUrl"
    assert url_permission["FunctionUrlAuthType"] == "NONE"
    assert invoke_permission["Action"] == "lambda:InvokeFunction"
    assert invoke_permission["InvokedViaFunctionUrl"] is True
    for permission in (url_permission, invoke_permission):
        assert permission["FunctionName"] == {"Ref": "WebhookFunction"}


def test_reserved_concurrency_bounds_the_function_only_when_its_url_is_enabled() -> None:
    reserved = _resources()["WebhookFunction"]["Properties"]["ReservedConcurrentExecutions"]

    assert reserved == {
        "Fn::If": [CONDITION, {"Ref": "WebhookFunctionUrlConcurrency"}, {"Ref": "AWS::NoValue"}]
    }
