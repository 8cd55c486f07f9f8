"""Every function in template.yaml runs code that exists, from the one shared package."""

from __future__ import annotations

from typing import Any

import pytest

from tests.infra.cfn import function_properties, load_template, resources_of_type

FUNCTIONS = sorted(function_properties(load_template()))
EXPECTED_HANDLERS = {
    "ProcessorFunction": "leadrelay.handlers.processor.handler",
    "WebhookFunction": "leadrelay.handlers.webhook.handler",
    "SalesforceEventsFunction": "leadrelay.handlers.salesforce_events.handler",
    "SlaMonitorFunction": "leadrelay.handlers.sla_monitor.handler",
}


def test_the_template_declares_the_processor_webhook_salesforce_events_and_sla_monitor_functions(
    functions: dict[str, dict[str, Any]],
) -> None:
    assert {name: props["Handler"] for name, props in functions.items()} == EXPECTED_HANDLERS


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_function_is_built_from_the_shared_functions_directory(
    function: str, functions: dict[str, dict[str, Any]]
) -> None:
    assert functions[function]["CodeUri"] == "functions/"


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_function_runs_on_a_python_runtime_the_package_supports(
    function: str, functions: dict[str, dict[str, Any]]
) -> None:
    assert functions[function]["Runtime"] in {"python3.12", "python3.13"}


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_function_reads_the_rules_from_the_layer_mounted_at_opt(
    function: str, functions: dict[str, dict[str, Any]], template: dict[str, Any]
) -> None:
    (layer_name,) = resources_of_type(template, "AWS::Serverless::LayerVersion")
    assert {"Ref": layer_name} in functions[function]["Layers"]
    assert template["Resources"][layer_name]["Properties"]["ContentUri"] == "rules/"
    assert functions[function]["Environment"]["Variables"]["LEADRELAY_RULES_PATH"] == "/opt"


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_function_skips_the_search_for_pydantic_plugins_none_of_which_ships(
    function: str, functions: dict[str, dict[str, Any]]
) -> None:
    assert functions[function]["Environment"]["Variables"]["PYDANTIC_DISABLE_PLUGINS"] == "__all__"


def test_the_processor_is_triggered_by_the_ingest_queue_with_partial_batch_failures(
    template: dict[str, Any],
) -> None:
    (mapping,) = resources_of_type(template, "AWS::Lambda::EventSourceMapping").values()
    props = mapping["Properties"]
    assert props["EventSourceArn"] == {"Fn::GetAtt": ["IngestQueue", "Arn"]}
    assert props["FunctionName"] == {"Ref": "ProcessorFunction"}
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["MaximumBatchingWindowInSeconds"] == {"Ref": "ProcessorBatchingWindowSeconds"}


def test_the_webhook_function_answers_post_on_webhooks_provider(functions: dict[str, dict[str, Any]]) -> None:
    (event,) = functions["WebhookFunction"]["Events"].values()
    assert event["Type"] == "HttpApi"
    assert (event["Properties"]["Method"], event["Properties"]["Path"]) == ("POST", "/webhooks/{provider}")


def test_the_webhook_api_is_throttled(template: dict[str, Any]) -> None:
    settings = template["Resources"]["WebhookApi"]["Properties"]["DefaultRouteSettings"]
    assert {"ThrottlingRateLimit", "ThrottlingBurstLimit"} <= set(settings)


def test_the_webhook_integration_times_out_no_later_than_the_function(
    functions: dict[str, dict[str, Any]],
) -> None:
    webhook = functions["WebhookFunction"]
    (event,) = webhook["Events"].values()
    assert event["Properties"]["TimeoutInMillis"] <= webhook["Timeout"] * 1000 <= 30_000


def test_the_webhook_function_answers_within_the_tightest_provider_timeout(
    functions: dict[str, dict[str, Any]],
) -> None:
    hubspot_webhook_timeout_seconds = 5  # HubSpot retries a request that takes longer (Marketo waits 30)
    assert functions["WebhookFunction"]["Timeout"] < hubspot_webhook_timeout_seconds


def test_salesforce_events_that_fail_every_retry_land_in_the_failure_queue(
    functions: dict[str, dict[str, Any]],
) -> None:
    on_failure = functions["SalesforceEventsFunction"]["EventInvokeConfig"]["DestinationConfig"]["OnFailure"]
    assert on_failure == {
        "Type": "SQS",
        "Destination": {"Fn::GetAtt": ["SalesforceEventsFailureQueue", "Arn"]},
    }


def test_the_sla_monitor_runs_every_15_minutes_on_eventbridge_scheduler(
    functions: dict[str, dict[str, Any]],
) -> None:
    (event,) = functions["SlaMonitorFunction"]["Events"].values()
    assert event["Type"] == "ScheduleV2"
    assert event["Properties"]["ScheduleExpression"] == "rate(15 minutes)"
