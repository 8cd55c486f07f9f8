"""MA-id-only events through the processor Lambda: the MA is asked who they are (moto, local org, local MA).

A HubSpot app webhook names its contact by ``objectId`` only, a Marketo webhook by lead id; the
processor reads the e-mail, name and company from the MA (credentials in Secrets Manager) in one
batched call per batch, then resolves the e-mail as usual.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import ModuleType

import boto3
import pytest
from leadrelay.domain.events import CanonicalEvent, EventKind, EventSource, Identity
from leadrelay_tools.localorg import LocalOrg

from tests.pipeline.support import HANAKO, NOW, RULES, TARO, leads_by_email, page_view
from tests.plugins.dead_letters import Queues
from tests.plugins.localma import LocalMa
from tests.processor.harness import (
    EventSourceMapping,
    LambdaClock,
    cold_start,
    dead_letters,
    handler_with,
    processor_environment,
)

MA_SECRET = "leadrelay/ma"
_ids = itertools.count(1)


@pytest.fixture
def processor(
    local_org: LocalOrg, local_ma: LocalMa, queues: Queues, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ModuleType]:
    for name, value in processor_environment(local_org, queues, tmp_path, RULES).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("LEADRELAY_MA_SECRET_NAME", MA_SECRET)
    boto3.client("secretsmanager").create_secret(Name=MA_SECRET, SecretString=json.dumps(local_ma.secret()))
    yield cold_start()
    cold_start()


def visit(ma_id: str, source: EventSource = EventSource.HUBSPOT) -> str:
    """A page view naming its person by the MA's id only, as the ingest queue carries it."""
    return CanonicalEvent(
        idempotency_key=f"{source.value}:{next(_ids)}:{ma_id}",
        kind=EventKind.ACTIVITY,
        type="page_view",
        source=source,
        occurred_at=NOW - timedelta(minutes=5),
        identity=Identity(ma_id=ma_id),
        attributes={"url": "https://www.sample-saas.jp/pricing"},
    ).model_dump_json()


def drain(processor: ModuleType, queues: Queues, *bodies: str) -> EventSourceMapping:
    for body in bodies:
        queues.sqs.send_message(QueueUrl=queues.ingest_url, MessageBody=body)
    clock = LambdaClock()
    mapping = EventSourceMapping(queues, handler_with(clock=clock, sleep=clock.sleep), clock)
    mapping.drain()
    return mapping


def test_a_hubspot_object_id_becomes_a_lead_with_the_contacts_e_mail_name_and_company(
    processor: ModuleType, queues: Queues, local_org: LocalOrg, local_ma: LocalMa
) -> None:
    local_ma.state.add_hubspot_contact(
        "51401",
        email="Taro.Yamada@sample-shoji.co.jp",
        firstname="太郎",
        lastname="山田",
        company="サンプル商事株式会社",
    )
    drain(processor, queues, visit("51401"))
    lead = leads_by_email(local_org)[TARO]
    assert (lead["FirstName"], lead["LastName"], lead["Company"]) == ("太郎", "山田", "サンプル商事株式会社")
    assert queues.count(queues.dlq_url) == 0


def test_a_batch_asks_hubspot_once_for_all_its_object_ids(
    processor: ModuleType, queues: Queues, local_org: LocalOrg, local_ma: LocalMa
) -> None:
    local_ma.state.add_hubspot_contact("51401", email=TARO, lastname="山田", company="サンプル商事株式会社")
    local_ma.state.add_hubspot_contact("51402", email=HANAKO, lastname="鈴木", company="例示工業株式会社")
    drain(processor, queues, visit("51401"), visit("51402"), visit("51401"))
    assert [sorted(batch) for batch in local_ma.state.hubspot_batches] == [["51401", "51402"]]
    assert set(leads_by_email(local_org)) == {TARO, HANAKO}


def test_a_person_already_in_salesforce_is_found_by_the_e_mail_hubspot_gives(
    processor: ModuleType, queues: Queues, local_org: LocalOrg, local_ma: LocalMa
) -> None:
    existing = local_org.insert(
        "Lead", {"LastName": "山田", "Company": "サンプル商事株式会社", "Email": TARO}
    )
    local_ma.state.add_hubspot_contact("51401", email=TARO, lastname="山田")
    drain(processor, queues, visit("51401"))
    assert [lead["Id"] for lead in local_org.records("Lead")] == [existing]


def test_a_contact_hubspot_does_not_know_is_dead_lettered_for_marketing_ops(
    processor: ModuleType, queues: Queues, local_org: LocalOrg, local_ma: LocalMa
) -> None:
    drain(processor, queues, visit("99999"))
    [letter] = dead_letters(queues)
    assert (letter.error.status_code, letter.owner) == ("MA_PERSON_NOT_FOUND", "marketing_ops")
    assert "hubspot does not know the person with id 99999" in letter.error.message
    assert "replay" in letter.error.message
    assert local_org.records("Lead") == []


def test_a_lead_stamped_with_the_ma_id_is_still_found_when_the_ma_does_not_know_it(
    processor: ModuleType, queues: Queues, local_org: LocalOrg, local_ma: LocalMa
) -> None:
    stamped = local_org.insert(
        "Lead", {"LastName": "佐藤", "Company": "株式会社サンプル", "LR_External_Key__c": "ma#51409"}
    )
    drain(processor, queues, visit("51409"))
    assert queues.count(queues.dlq_url) == 0
    assert [lead["Id"] for lead in local_org.records("Lead")] == [stamped]


def test_a_rate_limit_whose_retry_after_fits_is_waited_out_in_the_invocation(
    processor: ModuleType, queues: Queues, local_org: LocalOrg, local_ma: LocalMa
) -> None:
    local_ma.state.add_hubspot_contact("51401", email=TARO, lastname="山田")
    local_ma.state.hubspot_rate_limited, local_ma.state.hubspot_retry_after = 1, 10
    mapping = drain(processor, queues, visit("51401"))
    assert (mapping.invocations, mapping.clock.slept) == (1, 10.0)
    assert set(leads_by_email(local_org)) == {TARO}


def test_a_rate_limit_longer_than_the_invocation_hands_the_events_back_and_loses_none(
    processor: ModuleType, queues: Queues, local_org: LocalOrg, local_ma: LocalMa
) -> None:
    local_ma.state.add_hubspot_contact("51401", email=TARO, lastname="山田")
    local_ma.state.hubspot_rate_limited, local_ma.state.hubspot_retry_after = 1, 600
    mapping = drain(processor, queues, visit("51401"))
    assert mapping.invocations == 2  # the first gave the event back, the second applied it
    assert set(leads_by_email(local_org)) == {TARO}
    assert queues.count(queues.dlq_url) == 0


def test_a_marketo_lead_id_becomes_a_lead_with_the_leads_e_mail(
    processor: ModuleType, queues: Queues, local_org: LocalOrg, local_ma: LocalMa
) -> None:
    local_ma.state.add_marketo_lead(
        1043, email=HANAKO, firstName="花子", lastName="鈴木", company="例示工業株式会社"
    )
    drain(processor, queues, visit("1043", EventSource.MARKETO))
    lead = leads_by_email(local_org)[HANAKO]
    assert (lead["LastName"], lead["Company"]) == ("鈴木", "例示工業株式会社")


def test_a_person_looked_up_once_is_not_asked_for_again_in_the_same_environment(
    processor: ModuleType, queues: Queues, local_org: LocalOrg, local_ma: LocalMa
) -> None:
    local_ma.state.add_hubspot_contact("51401", email=TARO, lastname="山田")
    clock = LambdaClock()
    handler = handler_with(clock=clock, sleep=clock.sleep)
    mapping = EventSourceMapping(queues, handler, clock)
    for _ in range(2):
        queues.sqs.send_message(QueueUrl=queues.ingest_url, MessageBody=visit("51401"))
        mapping.drain()
    assert mapping.invocations == 2
    assert len(local_ma.state.hubspot_batches) == 1


def test_an_ma_outage_holds_back_only_that_mas_events_until_the_last_delivery_dead_letters_them(
    processor: ModuleType, queues: Queues, local_org: LocalOrg, local_ma: LocalMa
) -> None:
    local_ma.state.hubspot_unavailable = 10_000
    drain(processor, queues, visit("51401"), page_view(HANAKO).model_dump_json())
    assert set(leads_by_email(local_org)) == {HANAKO}  # the e-mail event did not wait for HubSpot
    [letter] = dead_letters(queues)
    assert (letter.error.status_code, letter.error_class.value) == (
        "MA_UNAVAILABLE",
        "transient",
    )
    assert letter.event is not None
    assert letter.event.identity.ma_id == "51401"


def test_a_cached_person_is_asked_for_again_once_the_cache_time_has_passed(
    processor: ModuleType, queues: Queues, local_org: LocalOrg, local_ma: LocalMa
) -> None:
    local_ma.state.add_hubspot_contact("51401", email=TARO, lastname="山田")
    clock = LambdaClock()
    mapping = EventSourceMapping(queues, handler_with(clock=clock, sleep=clock.sleep), clock)
    queues.sqs.send_message(QueueUrl=queues.ingest_url, MessageBody=visit("51401"))
    mapping.drain()
    clock.now += timedelta(minutes=16)
    queues.sqs.send_message(QueueUrl=queues.ingest_url, MessageBody=visit("51401"))
    mapping.drain()
    assert len(local_ma.state.hubspot_batches) == 2
