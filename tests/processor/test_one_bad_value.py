"""One bad value costs its own event, never its batch (issue 9, items 1, 2 and 15).

Each test sends nine innocent people and one offender as one SQS batch through the processor Lambda
(moto queues and activity table, the local org over HTTP). Before, the one refused lookup or the one
key DynamoDB refused sent all ten to the dead-letter queue.
"""

from __future__ import annotations

import json
from types import ModuleType

from leadrelay.domain.events import CanonicalEvent
from leadrelay.domain.failures import ErrorClass
from leadrelay_tools.localorg import LocalOrg

from tests.pipeline.support import leads_by_email, page_view
from tests.plugins.dead_letters import Queues
from tests.processor.harness import EventSourceMapping, LambdaClock, dead_letters, send

INNOCENT = [f"{name}@sample-shoji.co.jp" for name in ("ichiro", "jiro", "saburo", "shiro", "goro")] + [
    f"{name}@example-kogyo.co.jp" for name in ("hanako", "sachiko", "yumi", "kaori")
]


def run_batch(processor: ModuleType, queues: Queues, offender: CanonicalEvent | str) -> EventSourceMapping:
    """The nine innocent page views and the offender (an event or a raw message body), in one batch,
    until the queue drains."""
    body = offender if isinstance(offender, str) else offender.model_dump_json()
    send(queues, *(page_view(email).model_dump_json() for email in INNOCENT), body)
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
    run_batch(processor, queues, with_values(page_view("taro@example.jp"), email=too_long))
    assert set(leads_by_email(local_org)) == set(INNOCENT)
    (letter,) = dead_letters(queues)
    assert "identity.email" in letter.error.message
    assert letter.error_class is ErrorClass.PERMANENT


def with_values(event: CanonicalEvent, **values: str) -> str:
    """``event`` as a queue message body with ``values`` the canonical model would refuse
    (sent by an older version, or by hand): the processor must isolate it."""
    document = json.loads(event.model_dump_json())
    document.update({key: value for key, value in values.items() if key != "email"})
    if "email" in values:
        document["identity"]["email"] = values["email"]
    return json.dumps(document, ensure_ascii=False)


def test_an_event_id_too_long_for_a_dynamodb_sort_key_dead_letters_only_its_event(
    processor: ModuleType, queues: Queues, local_org: LocalOrg
) -> None:
    long_id = "hubspot:" + "ウェビナー参加登録イベント" * 30  # 398 characters, 1,178 bytes
    offender = page_view("taro.yamada@sample-shoji.co.jp", key="hubspot:1")
    run_batch(processor, queues, with_values(offender, idempotency_key=long_id))
    assert set(leads_by_email(local_org)) == set(INNOCENT)
    (letter,) = dead_letters(queues)
    assert "idempotency_key" in letter.error.message
    assert letter.error_class is ErrorClass.PERMANENT


def test_a_copy_of_an_applied_event_is_settled_as_applied_not_dead_lettered(
    processor: ModuleType, queues: Queues, local_org: LocalOrg
) -> None:
    taro = "taro.yamada@sample-shoji.co.jp"
    first = page_view(taro, minutes_ago=30)
    send(queues, first.model_dump_json())
    EventSourceMapping(queues, processor.handler, LambdaClock()).drain()
    local_org.faults.target("Email", taro)  # from now on a validation rule refuses writes to Taro
    later = page_view(taro, url="https://www.sample-saas.jp/webinar", minutes_ago=5)
    send(queues, first.model_dump_json(), later.model_dump_json())  # a second copy of the first event
    EventSourceMapping(queues, processor.handler, LambdaClock()).drain()
    (letter,) = dead_letters(queues)
    assert letter.event == later
    assert queues.count(queues.ingest_url) == 0
