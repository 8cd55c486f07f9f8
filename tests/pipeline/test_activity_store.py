"""Activity stores: each activity stored once per identity, history read by time (moto DynamoDB)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from leadrelay.adapters.activity_store import (
    DynamoDBActivityStore,
    InMemoryActivityStore,
    partition_key,
    sort_key,
)
from leadrelay.adapters.activity_table import applied_key
from leadrelay.domain.events import CanonicalEvent, EventKind, EventSource, Identity
from leadrelay.ports import ActivityStore
from moto import mock_aws

from tests.pipeline.support import create_activity_table

TARO = Identity(email="taro.yamada@sample-shoji.co.jp")
HANAKO = Identity(email="hanako.suzuki@example-kogyo.co.jp")
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
TABLE = "leadrelay-activities"


def activity(key: str, when: datetime, identity: Identity = TARO, **attributes: str) -> CanonicalEvent:
    """A page view; built without validation so that keys ingress would refuse reach the store."""
    return CanonicalEvent.model_construct(
        idempotency_key=key,
        kind=EventKind.ACTIVITY,
        type="page_view",
        source=EventSource.HUBSPOT,
        occurred_at=when,
        identity=identity,
        attributes=attributes,
    )


@pytest.fixture(params=["dynamodb", "memory"])
def store(request: pytest.FixtureRequest) -> Iterator[ActivityStore]:
    if request.param == "memory":
        yield InMemoryActivityStore()
        return
    with mock_aws():
        client = boto3.client("dynamodb", region_name="ap-northeast-1")
        create_activity_table(client, TABLE)
        yield DynamoDBActivityStore(client, TABLE)


def test_a_new_activity_is_recorded_and_a_redelivered_one_is_not(store: ActivityStore) -> None:
    first = activity("hubspot:1001", T0, url="https://example.jp/pricing")
    assert store.record([first]) == [True]
    assert store.record([first, activity("hubspot:1002", T0)]) == [False, True]


def test_a_duplicate_within_one_call_is_counted_once(store: ActivityStore) -> None:
    event = activity("hubspot:1001", T0)
    assert store.record([event, event]) == [True, False]


def test_history_returns_each_identitys_activities_since_the_bound_oldest_first(store: ActivityStore) -> None:
    store.record(
        [
            activity("new", T0, url="https://example.jp/pricing"),
            activity("old", T0 - timedelta(days=100)),
            activity("mid", T0 - timedelta(days=3)),
            activity("other", T0, HANAKO),
        ]
    )
    history = store.history([TARO.key, "email#nobody@example.jp"], since=T0 - timedelta(days=30))
    assert [a["id"] for a in history[TARO.key]] == ["mid", "new"]
    assert history["email#nobody@example.jp"] == []


def test_history_gives_back_the_activity_record_with_an_aware_time(store: ActivityStore) -> None:
    event = activity("hubspot:1001", T0, url="https://example.jp/資料/導入事例")
    store.record([event])
    (stored,) = store.history([TARO.key], since=T0 - timedelta(days=1))[TARO.key]
    assert stored == event.activity_record()


def test_dynamodb_items_expire_by_ttl_after_the_retention() -> None:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="ap-northeast-1")
        create_activity_table(client, TABLE)
        DynamoDBActivityStore(client, TABLE, ttl=timedelta(days=400)).record([activity("k", T0)])
        (item,) = client.scan(TableName=TABLE)["Items"]
    assert int(item["expires_at"]["N"]) == int((T0 + timedelta(days=400)).timestamp())
    assert item["sk"]["S"] == "2026-11-20T09:00:00.000000Z#k"


def test_dynamodb_history_reads_every_page_of_a_long_history() -> None:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="ap-northeast-1")
        create_activity_table(client, TABLE)
        store = DynamoDBActivityStore(client, TABLE)
        padding = "x" * 3000  # ~3 KB items: 1 MB query pages hold fewer than 400
        store.record([activity(f"k{i:04d}", T0 + timedelta(seconds=i), note=padding) for i in range(400)])
        history = store.history([TARO.key], since=T0)
    assert len(history[TARO.key]) == 400


LONG_EMAIL = Identity.model_construct(email="y" * 2_988 + "@example.jp")
"""3,000 characters: ``email#…`` is over DynamoDB's 2,048-byte partition key. Ingress refuses such an
address; the store still bounds its keys for records that bypassed it (older versions, other writers)."""
JAPANESE_EVENT_ID = "ウェビナー参加登録イベント" * 30 + "東京会場の追加セッション"
"""402 characters, 1,206 bytes in UTF-8: over DynamoDB's 1,024-byte sort key (and over ingress's limit)."""


def test_a_partition_key_too_long_for_dynamodb_is_hashed_and_the_activity_stored_once(
    store: ActivityStore,
) -> None:
    event = activity("hubspot:2001", T0, LONG_EMAIL)
    assert store.record([event]) == [True]
    assert store.record([event]) == [False]
    (stored,) = store.history([LONG_EMAIL.key], since=T0 - timedelta(days=1))[LONG_EMAIL.key]
    assert stored["id"] == "hubspot:2001"


def test_a_sort_key_too_long_for_dynamodb_is_hashed_and_the_activity_stored_once(
    store: ActivityStore,
) -> None:
    event = activity(JAPANESE_EVENT_ID, T0)
    assert store.record([event, activity("hubspot:2002", T0)]) == [True, True]
    assert store.record([event]) == [False]
    history = store.history([TARO.key], since=T0 - timedelta(days=1))[TARO.key]
    assert {stored["id"] for stored in history} == {JAPANESE_EVENT_ID, "hubspot:2002"}


def test_keys_that_fit_are_kept_as_they_are_and_hashed_ones_stay_within_dynamodbs_limits() -> None:
    assert partition_key(TARO.key) == TARO.key
    assert sort_key(activity("hubspot:1", T0)) == "2026-11-20T09:00:00.000000Z#hubspot:1"
    hashed = partition_key(LONG_EMAIL.key)
    assert hashed.startswith("email#sha256=")
    assert len(hashed.encode()) <= 2048
    assert sort_key(activity(JAPANESE_EVENT_ID, T0)).startswith("2026-11-20T09:00:00.000000Z#sha256=")


def test_an_item_dynamodb_refuses_fails_alone_and_the_others_are_stored() -> None:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="ap-northeast-1")
        create_activity_table(client, TABLE)
        store = DynamoDBActivityStore(client, TABLE)
        too_big = activity("hubspot:3002", T0, HANAKO, note="資料" * 100_000)  # 600 KB: over 400 KB
        results = store.record([activity("hubspot:3001", T0), too_big, activity("hubspot:3003", T0)])
        assert results[0] is True
        assert results[2] is True
        assert isinstance(results[1], ClientError)
        assert len(store.history([TARO.key], since=T0)[TARO.key]) == 2


def test_one_persons_activities_are_put_one_after_another_from_one_thread() -> None:
    """Two puts creating one partition at once race in moto (one is lost); DynamoDB never sees them."""
    with mock_aws():
        client = boto3.client("dynamodb", region_name="ap-northeast-1")
        create_activity_table(client, TABLE)
        threads: dict[str, set[int]] = {}

        def note_thread(params: dict[str, Any], **_: Any) -> None:
            threads.setdefault(params["Item"]["pk"]["S"], set()).add(threading.get_ident())

        client.meta.events.register("provide-client-params.dynamodb.PutItem", note_thread)
        taro = [activity(f"marketo:{n}", T0 + timedelta(minutes=n)) for n in range(6)]
        hanako = [activity(f"hubspot:{n}", T0 + timedelta(minutes=n), HANAKO) for n in range(6)]

        results = DynamoDBActivityStore(client, TABLE).record([*taro, *hanako])

        assert results == [True] * 12
        assert [len(ids) for ids in threads.values()] == [1, 1]


def test_an_applied_event_is_remembered_so_a_later_copy_can_be_settled(store: ActivityStore) -> None:
    store.mark_applied([activity("hubspot:4001", T0), activity(JAPANESE_EVENT_ID, T0)], at=T0)
    asked = [activity(key, T0) for key in ("hubspot:4001", "hubspot:4002", JAPANESE_EVENT_ID)]
    assert store.applied(asked) == {"hubspot:4001", JAPANESE_EVENT_ID}


def test_events_applied_in_other_batches_and_other_ten_minutes_are_all_found(store: ActivityStore) -> None:
    store.mark_applied(
        [activity("hubspot:4001", T0), activity("hubspot:4002", T0 + timedelta(minutes=12))], at=T0
    )
    store.mark_applied([activity("hubspot:4003", T0 + timedelta(minutes=3))], at=T0)
    asked = [
        activity("hubspot:4001", T0),
        activity("hubspot:4002", T0 + timedelta(minutes=12)),
        activity("hubspot:4003", T0 + timedelta(minutes=3)),
        activity("hubspot:4004", T0 + timedelta(minutes=3)),
    ]
    assert store.applied(asked) == {"hubspot:4001", "hubspot:4002", "hubspot:4003"}


def _marker_items(client: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.scan(TableName=TABLE)["Items"]
    return [item for item in items if item["pk"]["S"].startswith("applied")]


def test_a_batchs_markers_are_one_item_per_ten_minutes_of_occurrence_not_one_per_event() -> None:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="ap-northeast-1")
        create_activity_table(client, TABLE)
        batch = [activity(f"hubspot:{5000 + n}", T0 + timedelta(seconds=20 * n)) for n in range(40)]

        DynamoDBActivityStore(client, TABLE).mark_applied(batch, at=T0)

        items = _marker_items(client)
        assert sorted(item["pk"]["S"] for item in items) == [
            "applied-in#2026-11-20T09:00Z",
            "applied-in#2026-11-20T09:10Z",
        ]
        assert sum(len(item["keys"]["SS"]) for item in items) == 40


def test_a_batch_settled_twice_overwrites_its_own_markers() -> None:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="ap-northeast-1")
        create_activity_table(client, TABLE)
        store = DynamoDBActivityStore(client, TABLE)
        batch = [activity("hubspot:4001", T0), activity(JAPANESE_EVENT_ID, T0)]

        store.mark_applied(batch, at=T0)
        store.mark_applied(list(reversed(batch)), at=T0 + timedelta(minutes=1))

        assert len(_marker_items(client)) == 1


def test_keys_too_many_for_one_item_are_split_under_dynamodbs_400_kb() -> None:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="ap-northeast-1")
        create_activity_table(client, TABLE)
        store = DynamoDBActivityStore(client, TABLE)
        batch = [activity(f"generic:{n:04d}-" + "x" * 1000, T0) for n in range(600)]  # ~600 KB of keys

        store.mark_applied(batch, at=T0)

        assert len(_marker_items(client)) == 3
        assert store.applied(batch) == {event.idempotency_key for event in batch}


def test_a_marker_written_one_per_event_before_the_change_is_still_read() -> None:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="ap-northeast-1")
        create_activity_table(client, TABLE)
        legacy = {"pk": {"S": applied_key("hubspot:4001")}, "sk": {"S": "applied"}, "expires_at": {"N": "1"}}
        client.put_item(TableName=TABLE, Item=legacy)

        applied = DynamoDBActivityStore(client, TABLE).applied([activity("hubspot:4001", T0)])

        assert applied == {"hubspot:4001"}
