"""Ops is told when something is wrong: the invariants of the whole template, whatever the issues add.

Every function has an error alarm and a throttle alarm; every queue either redrives to a dead-letter queue
or is one, with a depth alarm; every asynchronous trigger (EventBridge rule, schedule) has a dead-letter
queue and every function invoked asynchronously an on-failure destination; every alarm notifies the
alarm topic; no Allow statement grants a wildcard action.
"""

from __future__ import annotations

from typing import Any

import pytest
from leadrelay.handlers import processor, sla_monitor

from tests.infra.cfn import SAM_FUNCTION, load_template, policy_statements, resources_of_type

TEMPLATE = load_template()
FUNCTIONS = sorted(resources_of_type(TEMPLATE, SAM_FUNCTION))
QUEUES = sorted(resources_of_type(TEMPLATE, "AWS::SQS::Queue"))
ALARMS = resources_of_type(TEMPLATE, "AWS::CloudWatch::Alarm")
ASYNC_SAM_EVENTS = {"Schedule", "ScheduleV2", "EventBridgeRule", "CloudWatchEvent", "SNS", "S3"}


def _refs(node: Any) -> set[str]:
    """Every logical id ``node`` refers to (``Ref``, ``Fn::GetAtt``, ``${Name}`` in ``Fn::Sub``)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                found.add(value[0] if isinstance(value, list) else str(value).split(".")[0])
            else:
                found |= _refs(value)
    elif isinstance(node, list):
        for item in node:
            found |= _refs(item)
    return found


def _alarms_on(metric: str, resource: str) -> list[str]:
    return [
        name
        for name, alarm in ALARMS.items()
        if alarm["Properties"].get("MetricName") == metric
        and resource in _refs(alarm["Properties"]["Dimensions"])
    ]


def _dead_letter_queues() -> set[str]:
    """Queues something sends what it could not deliver or handle to."""
    found: set[str] = set()
    for queue in resources_of_type(TEMPLATE, "AWS::SQS::Queue").values():
        found |= _refs(queue["Properties"].get("RedrivePolicy", {}))
    for rule in resources_of_type(TEMPLATE, "AWS::Events::Rule").values():
        for target in rule["Properties"].get("Targets", []):
            found |= _refs(target.get("DeadLetterConfig", {}))
    for function in resources_of_type(TEMPLATE, SAM_FUNCTION).values():
        found |= _refs(function["Properties"].get("EventInvokeConfig", {}))
    for schedule in resources_of_type(TEMPLATE, "AWS::Scheduler::Schedule").values():
        found |= _refs(schedule["Properties"]["Target"].get("DeadLetterConfig", {}))
    for _, event in _sam_async_events():
        found |= _refs(event["Properties"].get("DeadLetterConfig", {}))
    return found & set(QUEUES)


def _sam_async_events() -> list[tuple[str, dict[str, Any]]]:
    """(function, event) for each SAM event that invokes its function asynchronously."""
    return [
        (name, event)
        for name, function in resources_of_type(TEMPLATE, SAM_FUNCTION).items()
        for event in function["Properties"].get("Events", {}).values()
        if event["Type"] in ASYNC_SAM_EVENTS
    ]


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("metric", ["Errors", "Throttles"])
def test_every_function_has_an_alarm_on_its_errors_and_throttles(function: str, metric: str) -> None:
    assert _alarms_on(metric, function), f"no {metric} alarm on {function}"


@pytest.mark.parametrize("queue", QUEUES)
def test_every_queue_redrives_or_is_a_dead_letter_queue_with_a_depth_alarm(queue: str) -> None:
    properties = TEMPLATE["Resources"][queue]["Properties"]
    if "RedrivePolicy" in properties:
        return
    assert queue in _dead_letter_queues(), f"{queue} neither redrives nor receives dead letters"
    assert _alarms_on("ApproximateNumberOfMessagesVisible", queue), f"no depth alarm on {queue}"


def test_every_asynchronous_trigger_has_a_dead_letter_queue() -> None:
    missing = [
        f"{name}/{target['Id']}"
        for name, rule in resources_of_type(TEMPLATE, "AWS::Events::Rule").items()
        for target in rule["Properties"].get("Targets", [])
        if "DeadLetterConfig" not in target
    ]
    missing += [
        name
        for name, schedule in resources_of_type(TEMPLATE, "AWS::Scheduler::Schedule").items()
        if "DeadLetterConfig" not in schedule["Properties"]["Target"]
    ]
    missing += [
        f"{name}/{event['Type']}"
        for name, event in _sam_async_events()
        if "DeadLetterConfig" not in event["Properties"]
    ]
    assert missing == []


def test_every_function_invoked_asynchronously_has_an_on_failure_destination() -> None:
    triggers = [
        *resources_of_type(TEMPLATE, "AWS::Events::Rule").values(),
        *resources_of_type(TEMPLATE, "AWS::Scheduler::Schedule").values(),
    ]
    invoked = set(FUNCTIONS) & set().union(*(_refs(trigger["Properties"]) for trigger in triggers))
    invoked |= {name for name, _ in _sam_async_events()}
    for function in invoked:
        config = TEMPLATE["Resources"][function]["Properties"].get("EventInvokeConfig", {})
        assert "OnFailure" in config.get("DestinationConfig", {}), f"{function} has no on-failure destination"


@pytest.mark.parametrize("service", [processor.metrics.service, sla_monitor.metrics.service])
def test_the_org_api_usage_each_function_talking_to_salesforce_reads_has_an_alarm(service: str) -> None:
    watched = {
        (query["MetricStat"]["Metric"]["MetricName"], dimension["Value"])
        for alarm in ALARMS.values()
        for query in alarm["Properties"].get("Metrics", [])
        if "MetricStat" in query
        for dimension in query["MetricStat"]["Metric"].get("Dimensions", [])
        if dimension["Name"] == "service"
    }
    assert {("SalesforceApiUsed", service), ("SalesforceApiLimit", service)} <= watched


@pytest.mark.parametrize("alarm", sorted(ALARMS))
def test_every_alarm_notifies_the_alarm_topic(alarm: str) -> None:
    properties = ALARMS[alarm]["Properties"]
    assert _refs(properties["AlarmActions"]) == {"AlarmTopic"}
    assert properties["TreatMissingData"] == "notBreaching"


def test_no_statement_allows_a_wildcard_action(deployed: dict[str, Any]) -> None:
    wildcards = []
    for where, statement in policy_statements(deployed):
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        if statement.get("Effect", "Allow") == "Allow":
            wildcards += [f"{where}: {a}" for a in actions if isinstance(a, str) and a.endswith("*")]
    assert wildcards == []
