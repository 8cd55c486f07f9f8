"""A value Salesforce refuses in a lookup costs its own event, never its batch (issue 9, item 1).

Each test sends nine innocent people and one offender as one SQS batch through the processor Lambda
(moto queues, the local org over HTTP). Before, the one refused lookup dead-lettered all ten.
"""

from __future__ import annotations

from types import ModuleType

from leadrelay.core.events import CanonicalEvent
from leadrelay.core.failures import ErrorClass
from leadrelay.localorg import LocalOrg

from tests.pipeline.support import leads_by_email, page_view
from tests.plugins.dead_letters import Queues
from tests.processor.harness import EventSourceMapping, LambdaClock, dead_letters, send

INNOCENT = [f"{name}@sample-shoji.co.jp" for name in ("ichiro", "jiro", "saburo", "shiro", "goro")] + [
    f"{name}@example-kogyo.co.jp" for name in ("hanako", "sachiko", "yumi", "kaori")
]


def run_batch(processor: ModuleType, queues: Queues, offender: CanonicalEvent) -> EventSourceMapping:
    """The nine innocent page views and the offender, in one batch, until the queue drains."""
    send(queues, *(page_view(email).model_dump_json() for email in INNOCENT), offender.model_dump_json())
    mapping = EventSourceMapping(queues, processor.handler, LambdaClock())
    mapping.drain()
    return mapping


def test_an_id_with_a_suffix_salesforce_refuses_dead_letters_only_its_event(
    processor: ModuleType, queues: Queues, local_org: LocalOrg
) -> None:
    offender = page_view("taro.yamada@sample-shoji.co.jp", salesforce_id="00Q5f00000AbCdE999")
    mapping = run_batch(processor, queues, offender)
    assert set(leads_by_email(local_org)) == set(INNOCENT)
    (letter,) = dead_letters(queues)
    assert letter.event == offender
    assert letter.error.status_code == "MALFORMED_ID"
    assert letter.error.message.startswith("identity.salesforce_id is not a Salesforce record id")
    assert letter.error_class is ErrorClass.PERMANENT
    assert mapping.invocations == 1  # settled at once, not retried


def test_a_value_salesforce_refuses_is_isolated_by_splitting_the_lookup(
    processor: ModuleType, queues: Queues, local_org: LocalOrg
) -> None:
    refused = "taro.yamada@sample-shoji.co.jp"
    local_org.faults.refuse_queries_with(refused)  # passes our checks, yet Salesforce refuses it
    run_batch(processor, queues, page_view(refused))
    assert set(leads_by_email(local_org)) == set(INNOCENT)
    (letter,) = dead_letters(queues)
    assert letter.event is not None
    assert letter.event.identity.email == refused
    assert letter.error.status_code == "INVALID_QUERY_FILTER_OPERATOR"


def test_an_email_longer_than_any_address_dead_letters_only_its_event(
    processor: ModuleType, queues: Queues, local_org: LocalOrg
) -> None:
    too_long = "山田" * 1_495 + "@example.jp"  # 3,000 characters: 27 KB once percent-encoded in a URI
    run_batch(processor, queues, page_view(too_long))
    assert set(leads_by_email(local_org)) == set(INNOCENT)
    (letter,) = dead_letters(queues)
    assert "identity.email" in letter.error.message
    assert letter.error_class is ErrorClass.PERMANENT
