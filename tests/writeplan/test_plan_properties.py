"""Properties of plan_writes over thousands of generated batches (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from leadrelay.domain.ownership import FieldOwner, OwnershipMap
from leadrelay.domain.sfvalues import salesforce_value, same_value
from leadrelay.domain.writeplan import WriteIntent, WritePlan, plan_writes
from leadrelay.domain.writes import WriteKind

from tests.tiers import examples
from tests.writeplan.conftest import load_ownership_json

OWNERSHIP = OwnershipMap.model_validate(load_ownership_json())
LEAD = OWNERSHIP.objects["Lead"]
FIELDS = (*LEAD.leadrelay, *LEAD.ma, *LEAD.people, "AnnualRevenue", "Title")
RECORD_IDS = ("00Q5j00000AbCdEFGH", "00Q5j00000ZzYyXxWV", "00Q5j00000QqRrSsTU")
EXTERNAL_KEYS = ("email#taro.yamada@sample-shoji.co.jp", "ma#1042")
BASE = datetime(2026, 11, 21, 5, 17, tzinfo=UTC)

values = st.one_of(
    st.none(),
    st.just(""),
    st.booleans(),
    st.integers(min_value=0, max_value=120),
    st.integers(min_value=0, max_value=120).map(float),
    st.sampled_from(["Lead", "MQL", "SQL", "Nurture", "ENGAGEMENT_DECAYED", "山田", "株式会社サンプル商事"]),
    st.integers(min_value=0, max_value=3_000_000).map(lambda ms: BASE + timedelta(milliseconds=ms)),
)
records = st.dictionaries(st.sampled_from(FIELDS), values, max_size=8)
stored_records = records.map(lambda rec: {name: salesforce_value(value) for name, value in rec.items()})


@st.composite
def batches(draw: st.DrawFn) -> tuple[list[WriteIntent], dict[str, dict[str, Any]]]:
    """Intents in event order; updates of one record share Salesforce's state before the batch."""
    state = {record_id: draw(stored_records) for record_id in RECORD_IDS}
    intents = []
    for number in range(draw(st.integers(min_value=1, max_value=10))):
        target = draw(st.sampled_from(RECORD_IDS + EXTERNAL_KEYS))
        desired = draw(records)
        key = f"evt-{number}"
        if target in state:
            intents.append(WriteIntent("Lead", (key,), desired, state[target], record_id=target))
        else:
            intents.append(WriteIntent("Lead", (key,), desired, external_key=target))
    return intents, state


def _apply(plan: WritePlan, state: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Salesforce after the plan's updates (values stored as they were sent)."""
    after = {record_id: dict(values) for record_id, values in state.items()}
    for op in plan.ops:
        if op.kind is WriteKind.UPDATE and op.record_id is not None:
            after[op.record_id].update(op.fields)
    return after


@settings(max_examples=examples(400), deadline=None)
@given(batches())
def test_every_event_key_is_written_or_skipped_once_per_record(batch: tuple[list[WriteIntent], Any]) -> None:
    intents, _ = batch
    plan = plan_writes(intents, OWNERSHIP)

    refs = [op.ref for op in plan.ops] + [skip.ref for skip in plan.skipped]
    keys = [key for op in plan.ops for key in op.event_keys] + [
        key for s in plan.skipped for key in s.event_keys
    ]
    assert len(refs) == len(set(refs))
    assert sorted(keys) == sorted(key for intent in intents for key in intent.event_keys)


@settings(max_examples=examples(400), deadline=None)
@given(batches())
def test_updates_carry_only_leadrelays_fields_and_creates_only_the_on_create_people_fields(
    batch: tuple[list[WriteIntent], Any],
) -> None:
    plan = plan_writes(batch[0], OWNERSHIP)

    for op in plan.ops:
        allowed = (
            {FieldOwner.LEADRELAY} if op.kind is WriteKind.UPDATE else {FieldOwner.LEADRELAY, FieldOwner.MA}
        )
        assert op.fields
        people = {name for name in op.fields if LEAD.owner_of(name) is FieldOwner.PEOPLE}
        assert {LEAD.owner_of(name) for name in op.fields} - {FieldOwner.PEOPLE} <= allowed
        assert op.kind is not WriteKind.UPDATE or not people
        assert all(LEAD.is_set_on_create(name) for name in people)


@settings(max_examples=examples(400), deadline=None)
@given(batches())
def test_an_update_never_writes_a_value_salesforce_already_holds(
    batch: tuple[list[WriteIntent], Any],
) -> None:
    intents, state = batch
    plan = plan_writes(intents, OWNERSHIP)

    for op in plan.ops:
        if op.record_id is not None:
            assert not any(
                same_value(state[op.record_id].get(name), value) for name, value in op.fields.items()
            )


@settings(max_examples=examples(400), deadline=None)
@given(batches())
def test_planning_again_after_the_writes_changes_nothing(batch: tuple[list[WriteIntent], Any]) -> None:
    intents, state = batch
    after = _apply(plan_writes(intents, OWNERSHIP), state)
    replayed = [
        WriteIntent("Lead", i.event_keys, i.desired, after[i.record_id], record_id=i.record_id)
        for i in intents
        if i.record_id is not None
    ]

    assert plan_writes(replayed, OWNERSHIP).ops == ()


@settings(max_examples=examples(400), deadline=None)
@given(batches())
def test_the_last_decision_wins_per_field(batch: tuple[list[WriteIntent], Any]) -> None:
    intents, _ = batch
    plan = plan_writes(intents, OWNERSHIP)

    for op in plan.ops:
        mine = [i for i in intents if (i.record_id or i.external_key) == op.ref]
        for name, value in op.fields.items():
            wanted = [i.desired[name] for i in mine if name in i.desired]
            if not wanted:  # the upsert key itself
                assert name == "LR_External_Key__c"
            elif not LEAD.is_write_once(name):
                assert value == salesforce_value(wanted[-1])
