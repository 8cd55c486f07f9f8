"""Fixture plugin: make moto's DynamoDB item operations atomic, as DynamoDB's are.

DynamoDB evaluates a condition and writes the item as one atomic step, so of two conditional puts on one
item exactly one succeeds. moto checks the condition and then stores the item without a lock: two
threads can both pass the check. :func:`atomic_dynamodb` serialises moto's item operations (moto only,
never leadrelay) so that concurrency tests test leadrelay's logic against the contract, not moto's race.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

import pytest
from moto.dynamodb.models import DynamoDBBackend

_OPERATIONS = ("put_item", "get_item", "update_item", "delete_item", "query", "transact_write_items")


@pytest.fixture
def atomic_dynamodb(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto's DynamoDB item operations under one lock for the test."""
    lock = threading.RLock()
    for name in _OPERATIONS:
        original: Callable[..., Any] = getattr(DynamoDBBackend, name)

        @functools.wraps(original)
        def locked(
            self: DynamoDBBackend, *args: Any, __original: Callable[..., Any] = original, **kwargs: Any
        ) -> Any:
            with lock:
                return __original(self, *args, **kwargs)

        monkeypatch.setattr(DynamoDBBackend, name, locked)
