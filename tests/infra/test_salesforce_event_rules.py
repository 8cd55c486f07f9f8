"""The EventBridge rules on the Salesforce partner buses: what reaches leadrelay, and what is dropped.

The behaviour tests load each rule's pattern from template.yaml, resolve its parameters and install it
on a moto event bus whose target is an SQS queue, then put Event Relay-shaped events on the bus.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tests.infra.cfn import parameter_defaults, resolve

CDC_SOURCE = "aws.partner/salesforce.com/00D5f000005KcCnEAK/0YL5f000000CabWGAS"
PE_SOURCE = "aws.partner/salesforce.com/00D5f000005KcCnEAK/0YL5f000000CabXGAS"
INTEGRATION_USER_18 = "005RM0000026DG5YAM"
INTEGRATION_USER_15 = INTEGRATION_USER_18[:15]
SALES_USER = "0055f000005mc66AAA"
OWN_ORIGIN = "com/salesforce/api/rest/62.0;client=leadrelay"


def _change_event(detail_type: str, *, commit_user: str, **header: Any) -> dict[str, Any]:
    """An Event Relay CDC delivery (shape of shared/reference/eventbridge_event_relay_cdc_*.json)."""
    change_header = {
        "entityName": detail_type.removesuffix("ChangeEvent"),
        "recordIds": ["00Q5f00000AbCdEEAV"],
        "changeType": "UPDATE",
        "changedFields": ["Status", "LastModifiedDate"],
        "commitUser": commit_user,
        "commitTimestamp": 1732166400000,
        "transactionKey": "000f07d5-d33e-8607-991e-ad2c1fda0750",
        "sequenceNumber": 1,
        **header,
    }
    return {
        "Source": CDC_SOURCE,
        "DetailType": detail_type,
        "Detail": {"payload": {"Status": "Working", "ChangeEventHeader": change_header}},
    }


@pytest.fixture
def rule_values(template: dict[str, Any]) -> dict[str, Any]:
    return {
        **parameter_defaults(template),
        "SalesforceChangeEventSourceName": CDC_SOURCE,
        "SalesforcePlatformEventSourceName": PE_SOURCE,
        "IntegrationUserId": INTEGRATION_USER_15,
    }


class Bus:
    """A moto event bus carrying one rule from the template, delivering matches to a queue."""

    def __init__(self, pattern: dict[str, Any]) -> None:
        self.events = boto3.client("events", region_name="us-east-1")
        self.sqs = boto3.client("sqs", region_name="us-east-1")
        self.events.create_event_bus(Name="salesforce")
        self.queue_url = self.sqs.create_queue(QueueName="matched")["QueueUrl"]
        queue_arn = self.sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])
        self.events.put_rule(Name="rule", EventBusName="salesforce", EventPattern=json.dumps(pattern))
        self.events.put_targets(
            Rule="rule",
            EventBusName="salesforce",
            Targets=[{"Id": "queue", "Arn": queue_arn["Attributes"]["QueueArn"]}],
        )

    def delivered(self, *entries: dict[str, Any]) -> list[dict[str, Any]]:
        """Put ``entries`` on the bus; the details of those the rule let through."""
        self.events.put_events(
            Entries=[
                {**entry, "Detail": json.dumps(entry["Detail"]), "EventBusName": "salesforce"}
                for entry in entries
            ]
        )
        messages = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10)
        return [json.loads(message["Body"])["detail"] for message in messages.get("Messages", [])]


def _bus(template: dict[str, Any], rule: str, values: dict[str, Any]) -> Iterator[Bus]:
    pattern = resolve(template["Resources"][rule]["Properties"]["EventPattern"], values)
    with mock_aws():
        yield Bus(pattern)


@pytest.fixture
def change_bus(template: dict[str, Any], rule_values: dict[str, Any]) -> Iterator[Bus]:
    yield from _bus(template, "ChangeEventRule", rule_values)


@pytest.fixture
def platform_bus(template: dict[str, Any], rule_values: dict[str, Any]) -> Iterator[Bus]:
    yield from _bus(template, "PlatformEventRule", rule_values)


def test_the_change_event_pattern_excludes_own_changes_by_origin_and_by_commit_user(
    template: dict[str, Any],
) -> None:
    header = template["Resources"]["ChangeEventRule"]["Properties"]["EventPattern"]["detail"]["payload"][
        "ChangeEventHeader"
    ]
    assert header["commitUser"] == [{"anything-but": {"prefix": {"Ref": "IntegrationUserId"}}}]
    assert {
        "changeOrigin": [{"anything-but": {"wildcard": {"Fn::Sub": "*client=${SalesforceClientName}*"}}}]
    } in header["$or"]


def test_a_sales_reps_lead_update_reaches_leadrelay(change_bus: Bus) -> None:
    event = _change_event(
        "LeadChangeEvent",
        commit_user=SALES_USER,
        changeOrigin="com/salesforce/api/soap/62.0;client=SfdcInternalAPI/",
    )
    assert len(change_bus.delivered(event)) == 1


def test_a_change_written_with_the_leadrelay_client_name_is_dropped(change_bus: Bus) -> None:
    event = _change_event("LeadChangeEvent", commit_user=SALES_USER, changeOrigin=OWN_ORIGIN)
    assert change_bus.delivered(event) == []


def test_a_change_committed_by_the_integration_user_is_dropped_whatever_its_origin(change_bus: Bus) -> None:
    flow_follow_up = _change_event("TaskChangeEvent", commit_user=INTEGRATION_USER_18, changeOrigin="")
    assert change_bus.delivered(flow_follow_up) == []


@pytest.mark.parametrize("origin", ["", "absent"])
def test_a_change_without_an_api_origin_reaches_leadrelay(origin: str, change_bus: Bus) -> None:
    header = {} if origin == "absent" else {"changeOrigin": origin}
    event = _change_event("ContactChangeEvent", commit_user=SALES_USER, **header)
    assert len(change_bus.delivered(event)) == 1


def test_change_events_of_objects_leadrelay_does_not_watch_are_dropped(change_bus: Bus) -> None:
    assert (
        change_bus.delivered(_change_event("OpportunityChangeEvent", commit_user=SALES_USER, changeOrigin=""))
        == []
    )


def test_account_changes_by_people_reach_leadrelay_for_their_match_keys(change_bus: Bus) -> None:
    event = _change_event("AccountChangeEvent", commit_user=SALES_USER, changeOrigin="")
    assert len(change_bus.delivered(event)) == 1


def test_lead_activity_platform_events_reach_leadrelay(platform_bus: Bus) -> None:
    event = {
        "Source": PE_SOURCE,
        "DetailType": "Lead_Activity__e",
        "Detail": {
            "payload": {
                "Email__c": "taro.yamada@sample-shoji.co.jp",
                "Activity_Type__c": "webinar_attended",
                "CreatedById": SALES_USER,
                "EventUuid": "0b0c4b7a-2a0e-4c6a-9f7f-4b7c1e0f9d11",
            }
        },
    }
    other = {**event, "DetailType": "Lead_Score_Changed__e"}
    assert [detail["payload"]["EventUuid"] for detail in platform_bus.delivered(event, other)] == [
        "0b0c4b7a-2a0e-4c6a-9f7f-4b7c1e0f9d11"
    ]


def test_events_from_another_relay_are_ignored(change_bus: Bus) -> None:
    event = {**_change_event("LeadChangeEvent", commit_user=SALES_USER), "Source": PE_SOURCE}
    assert change_bus.delivered(event) == []
