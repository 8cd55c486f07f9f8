"""The compact store of the batch: packed records come back equal; shared keys find each other."""

from __future__ import annotations

from pathlib import Path

import pytest
from leadrelay.domain.matching.match_rules import candidate_pairs
from leadrelay.rulefiles.dedup_loading import load_match_rules
from leadrelay_tools.dedup.store import MAX_RECORDS, Store, StoreFullError, key_hashes, pack, unpack

from bench.dedup.synth import generate

RULES = load_match_rules(Path(__file__).resolve().parents[2] / "rules")
YAMADA = {
    "Id": "00Q1",
    "LastName": "髙橋",
    "FirstName": "太郎",
    "Company": "㈱サンプル商事",
    "Email": "taro.takahashi@sample-shoji.co.jp",
    "Phone": "03-1234-5678 内線 12",
    "MobilePhone": "090-1111-2222",
    "CorporateNumber__c": "1234567890123",
}


def test_a_packed_record_comes_back_equal() -> None:
    record = RULES.record("Lead", YAMADA)

    assert unpack(pack(record)) == record


def test_the_store_pairs_the_records_the_blocking_keys_pair() -> None:
    matcher = RULES.pair("lead_lead")
    records = [RULES.record("Lead", row) for row in generate(1_500, seed=3).records]
    store = Store()
    for number, record in enumerate(records):
        store.add(str(number), pack(record), key_hashes(matcher.blocking_keys(record)))

    assert set(store.candidate_pairs(RULES.max_block)) == set(
        candidate_pairs(matcher, records, RULES.max_block)
    )


def test_a_new_lead_finds_the_stored_records_it_shares_a_key_with() -> None:
    matcher = RULES.pair("lead_lead")
    store = Store()
    for number, row in enumerate(
        [YAMADA, {**YAMADA, "Email": "hanako.sato@mirai.co.jp", "LastName": "佐藤"}]
    ):
        record = RULES.record("Lead", row)
        store.add(str(number), pack(record), key_hashes(matcher.blocking_keys(record)))
    card = RULES.record(
        "Lead", {"LastName": "タカハシ", "FirstName": "タロウ", "Company": "サンプル商事株式会社"}
    )

    assert store.lookup(key_hashes(matcher.blocking_keys(card)), RULES.max_block) == [0]


def test_a_store_past_its_capacity_says_so_in_one_sentence() -> None:
    store = Store(capacity=2)  # the limit injected: no need for 8,388,608 records
    store.add("00Q1", b"a", [1])
    store.add("00Q2", b"b", [1])

    with pytest.raises(StoreFullError) as refused:
        store.add("00Q3", b"c", [1])

    assert len(store) == 2
    assert str(refused.value).startswith("more than 2 records: one run compares at most 2")
    assert "\n" not in str(refused.value)


def test_a_store_cannot_hold_more_than_its_index_can_number() -> None:
    with pytest.raises(ValueError, match="1 to 8,388,608 records"):
        Store(capacity=MAX_RECORDS + 1)
