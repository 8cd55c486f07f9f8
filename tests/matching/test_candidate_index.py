"""The real-time match compares an incoming record only with the candidates sharing a blocking key."""

from __future__ import annotations

from typing import Any

from leadrelay.domain.matching.linking import CandidateIndex
from leadrelay.domain.matching.record import MatchRecord
from leadrelay.rulefiles.dedup_loading import load_match_rules

from tests.pipeline.support import RULES

RULES_COMPILED = load_match_rules(RULES)
CARD = {"LastName": "山田", "FirstName": "太郎", "Company": "㈱サンプル商事", "Phone": "03-1234-5678"}


def lead(**raw: Any) -> MatchRecord:
    return RULES_COMPILED.record("Lead", raw)


def test_only_the_candidates_sharing_a_blocking_key_are_compared() -> None:
    candidates = [
        lead(FirstName="Taro", LastName="Yamada", Company="Sample Shoji K.K."),
        lead(LastName="佐藤", FirstName="花子", Phone="06-1111-2222"),
        lead(LastName="鈴木", Email="ichiro.suzuki@sample.co.jp"),
    ]
    index = CandidateIndex(RULES_COMPILED.pair("lead_lead"), candidates, max_block=300)

    assert index.sharing(lead(**CARD)) == [0]


def test_a_key_shared_by_more_records_than_max_block_finds_no_one() -> None:
    namesakes = [lead(**{**CARD, "Phone": f"03-1234-{n:04d}"}) for n in range(1, 4)]
    index = CandidateIndex(RULES_COMPILED.pair("lead_lead"), namesakes, max_block=2)

    assert index.sharing(lead(**{**CARD, "Phone": "03-9999-0001"})) == []
