"""The processor publishes the funnel's metrics — MQLs, SQLs, leads routed per route, dead letters per
owner, time to first contact — as CloudWatch EMF lines in the ``LeadRelay`` namespace (moto, local org)."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

import pytest
from leadrelay.ingress.salesforce import parse_salesforce_event
from leadrelay_tools.localorg import LocalOrg
from leadrelay_tools.localorg.samples import seed_fit_40_lead

from tests.ingress.builders import eventbridge
from tests.pipeline.support import HANAKO, NOW, page_view
from tests.plugins.dead_letters import Queues
from tests.processor.harness import EventSourceMapping, LambdaClock, handler_with, send
from tests.routing.test_routing_step import SATO, becomes_mql

TARO = "taro.yamada@sample-shoji.co.jp"


def emf_lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """Every EMF object the invocations printed."""
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]


def unit_of(lines: list[dict[str, Any]], metric: str) -> set[str]:
    """The units ``metric`` was published in."""
    return {
        m.get("Unit", "")
        for line in lines
        for m in line["_aws"]["CloudWatchMetrics"][0]["Metrics"]
        if m["Name"] == metric
    }


def values(lines: list[dict[str, Any]], metric: str, **dimensions: str) -> list[float]:
    """The values of ``metric`` on the lines whose dimensions include ``dimensions``."""
    found = []
    for line in lines:
        [directive] = line["_aws"]["CloudWatchMetrics"]
        names = {m["Name"] for m in directive["Metrics"]}
        if metric in names and all(line.get(k) == v for k, v in dimensions.items()):
            assert directive["Namespace"] == "LeadRelay"
            value = line[metric]
            found += value if isinstance(value, list) else [value]
    return found


def drain(queues: Queues, *bodies: str) -> None:
    """Deliver ``bodies`` to the processor (its clock at the tests' now) until the queue is empty."""
    clock = LambdaClock()
    send(queues, *bodies)
    EventSourceMapping(queues, handler_with(clock=clock, sleep=clock.sleep), clock).drain()


def test_a_lead_entering_mql_counts_one_mql_and_one_lead_routed_through_its_pool(
    processor: ModuleType, queues: Queues, local_org: LocalOrg, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_fit_40_lead(local_org, TARO)  # 東京都: routing.east → pool inside_sales_east

    drain(queues, *(event.model_dump_json() for event in becomes_mql(TARO)))

    lines = emf_lines(capsys)
    assert sum(values(lines, "MQLs", service="processor")) == 1
    assert sum(values(lines, "SQLs", service="processor")) == 0
    routed = values(lines, "LeadsRouted", service="processor", route="inside_sales_east")
    assert routed == [1.0]


def test_a_batch_that_moves_nobody_publishes_zero_mqls_and_no_route(
    processor: ModuleType, queues: Queues, local_org: LocalOrg, capsys: pytest.CaptureFixture[str]
) -> None:
    drain(queues, page_view(TARO).model_dump_json())

    lines = emf_lines(capsys)
    assert values(lines, "MQLs") == [0.0]
    assert values(lines, "LeadsRouted") == []


def test_dead_letters_are_counted_per_owner_of_their_failure(
    processor: ModuleType, queues: Queues, local_org: LocalOrg, capsys: pytest.CaptureFixture[str]
) -> None:
    local_org.faults.target("Email", HANAKO, message="MQL には会社名が必要です")  # validation rule

    drain(queues, page_view(HANAKO).model_dump_json(), "{not json")

    lines = emf_lines(capsys)
    assert sum(values(lines, "DeadLetters", owner="salesforce_admin", service="processor")) == 1
    assert sum(values(lines, "DeadLetters", owner="integration", service="processor")) == 1
    assert values(lines, "DeadLetters", owner="marketing_ops") == []


def test_a_lead_whose_rep_confirms_two_bant_items_counts_one_sql(
    processor: ModuleType, queues: Queues, local_org: LocalOrg, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_fit_40_lead(
        local_org,
        TARO,
        LR_Lifecycle_Stage__c="MQL",
        LR_Budget_Confirmed__c=True,
        LR_Need_Confirmed__c=True,
    )

    drain(queues, page_view(TARO).model_dump_json())

    lines = emf_lines(capsys)
    assert values(lines, "SQLs", service="processor") == [1.0]
    assert values(lines, "MQLs", service="processor") == [0.0]


def test_a_first_contact_publishes_the_seconds_since_the_lead_was_routed(
    processor: ModuleType, queues: Queues, local_org: LocalOrg, capsys: pytest.CaptureFixture[str]
) -> None:
    lead_id = seed_fit_40_lead(local_org, TARO)
    drain(queues, *(event.model_dump_json() for event in becomes_mql(TARO)))  # routed to 佐藤 at NOW
    routed = local_org.record("Lead", lead_id) or {}
    assert (routed["OwnerId"], routed["LR_SLA_Status__c"]) == (SATO, "On Track")
    task = {"Subject": "初回架電", "WhoId": lead_id, "OwnerId": SATO, "Status": "Completed"}
    local_org.insert("Task", task, user_id=SATO)
    change = eventbridge("TaskChangeEvent", local_org.change_events("Task")[-1])
    [contact] = parse_salesforce_event(change, received_at=NOW).events
    emf_lines(capsys)  # the routing batch's lines

    drain(queues, contact.model_dump_json())

    lines = emf_lines(capsys)
    waited = (contact.occurred_at - NOW).total_seconds()
    assert waited > 0
    assert values(lines, "TimeToFirstContact", service="processor") == [pytest.approx(waited, abs=0.001)]
    assert unit_of(lines, "TimeToFirstContact") == {"Seconds"}  # as the dashboard and docs/kpis.md draw it
    assert (local_org.record("Lead", lead_id) or {})["LR_SLA_Status__c"] == "Met"


def test_a_batch_without_a_first_contact_publishes_no_time_to_first_contact(
    processor: ModuleType, queues: Queues, local_org: LocalOrg, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_fit_40_lead(local_org, TARO)

    drain(queues, *(event.model_dump_json() for event in becomes_mql(TARO)))

    assert values(emf_lines(capsys), "TimeToFirstContact") == []  # no zero to drag the mean down
