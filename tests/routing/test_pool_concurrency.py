"""Concurrent invocations routing into one pool: no slot taken twice, no rep skipped, no cap exceeded.

Eight threads route leads into one round-robin pool at once, against DynamoDB (moto, its item operations
atomic as DynamoDB's are: tests/plugins/dynamodb_atomic.py). A thread that loses the pool to another
every time gets ``PoolContentionError`` and tries again, as the event would come back through SQS.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from zoneinfo import ZoneInfo

import boto3
import pytest
from leadrelay.adapters.pool_states import PK, DynamoDBPoolStates, InMemoryPoolStates
from leadrelay.domain.calendar import BusinessCalendar
from leadrelay.domain.pools import PoolRules, Rep, choose
from leadrelay.pipeline.assignment import PoolContentionError, assign_from_pool
from leadrelay.ports import PoolStates
from moto import mock_aws

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 16, 11, tzinfo=TOKYO)
REPS = [Rep(f"005RM00000000{n:02d}YAA", TOKYO) for n in range(2, 6)]  # 佐藤, 鈴木, 高橋, 田中
TABLE = "leadrelay-routing-state"


@pytest.fixture
def dynamodb_states(atomic_dynamodb: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[DynamoDBPoolStates]:
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("dynamodb", region_name="ap-northeast-1")
        client.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": PK, "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": PK, "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield DynamoDBPoolStates(client, TABLE)


def route_concurrently(
    states: PoolStates, rules: PoolRules, leads: int, threads: int = 8
) -> list[str | None]:
    """``leads`` leads routed by ``threads`` workers at once; each lead retried until it is routed."""

    def route_one(_: int) -> str | None:
        while True:
            try:
                choice = assign_from_pool(
                    "inside_sales_east", REPS, rules, states, now=NOW, calendar=BusinessCalendar()
                )
            except PoolContentionError:
                continue
            return choice.user_id

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(route_one, range(leads)))


def test_concurrent_invocations_share_a_round_robin_pool_exactly_evenly(
    dynamodb_states: DynamoDBPoolStates,
) -> None:
    owners = route_concurrently(dynamodb_states, PoolRules(), 80)
    assert Counter(owners) == {rep.user_id: 20 for rep in REPS}
    saved = dynamodb_states.read("inside_sales_east")
    assert saved.version == 80
    assert saved.open == {rep.user_id: 20 for rep in REPS}


def test_concurrent_invocations_never_exceed_the_daily_cap(dynamodb_states: DynamoDBPoolStates) -> None:
    owners = route_concurrently(dynamodb_states, PoolRules(max_new_per_day=12), 60)
    assigned = Counter(owner for owner in owners if owner is not None)
    assert assigned == {rep.user_id: 12 for rep in REPS}
    assert owners.count(None) == 12  # the rest go to the row's fallback owner


def test_the_in_memory_store_keeps_the_same_contract() -> None:
    owners = route_concurrently(InMemoryPoolStates(), PoolRules(), 40)
    assert Counter(owners) == {rep.user_id: 10 for rep in REPS}


def test_a_save_from_a_stale_read_is_refused(dynamodb_states: DynamoDBPoolStates) -> None:
    read = dynamodb_states.read("inside_sales_east")
    calendar = BusinessCalendar()
    choice = choose(
        REPS, PoolRules(), loads=read.loads(REPS, NOW), credits=read.credits, now=NOW, calendar=calendar
    )
    assert dynamodb_states.save("inside_sales_east", read.after(choice, REPS, NOW))
    assert not dynamodb_states.save("inside_sales_east", read.after(choice, REPS, NOW))
    assert dynamodb_states.read("inside_sales_east").version == 1
