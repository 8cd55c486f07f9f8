"""sObject Collections requests for a batch of writes, and per-record results mapped back to each op."""

from __future__ import annotations

import pytest
from leadrelay.adapters.salesforce.collections import collection_requests, map_results
from leadrelay.domain.errors import ErrorDetail
from leadrelay.domain.writes import WriteKind, WriteOp

from tests.gateway.ops import LEAD_FIELDS, lead_upsert, score_update, task_create


def _update(n: int) -> WriteOp:
    return score_update(f"00Q5g00000Ab{n:04d}AAA", ref=f"lead-{n}")


def test_450_updates_go_out_as_collections_of_200_200_and_50() -> None:
    requests = list(collection_requests([_update(n) for n in range(450)]))
    assert [len(r.body["records"]) for r in requests] == [200, 200, 50]


def test_every_collection_is_sent_with_all_or_none_false() -> None:
    (request,) = collection_requests([_update(1)])
    assert request.body["allOrNone"] is False


def test_an_update_is_a_patch_carrying_the_record_id_and_type() -> None:
    (request,) = collection_requests([_update(7)])
    assert (request.method, request.path) == ("PATCH", "composite/sobjects")
    assert request.body["records"] == [
        {"attributes": {"type": "Lead"}, "LR_Fit_Score__c": 80, "id": "00Q5g00000Ab0007AAA"}
    ]


def test_a_create_is_a_post_without_an_id() -> None:
    (request,) = collection_requests([task_create("task-1")])
    assert (request.method, request.path) == ("POST", "composite/sobjects")
    assert request.body["records"] == [
        {"attributes": {"type": "Task"}, "Subject": "初回架電: 山田 太郎 様", "Status": "Not Started"}
    ]


def test_an_upsert_is_a_patch_on_the_external_id_field_carrying_the_key() -> None:
    (request,) = collection_requests([lead_upsert("hubspot:4711")])
    assert (request.method, request.path) == ("PATCH", "composite/sobjects/Lead/LR_External_Key__c")
    assert request.body["records"] == [
        {"attributes": {"type": "Lead"}, **LEAD_FIELDS, "LR_External_Key__c": "hubspot:4711"}
    ]


def test_ops_are_grouped_by_sobject_kind_and_external_id_field() -> None:
    ops = [_update(1), task_create("t1"), lead_upsert("hubspot:1"), _update(2), task_create("t2")]
    requests = list(collection_requests(ops))
    assert [[op.ref for op in r.ops] for r in requests] == [["lead-1", "lead-2"], ["t1", "t2"], ["hubspot:1"]]


def test_an_external_id_field_that_is_not_an_api_name_is_refused() -> None:
    op = WriteOp(
        ref="x",
        sobject="Lead",
        kind=WriteKind.UPSERT,
        external_id_field="Key__c/../../x",
        external_id="1",
        fields={},
    )
    with pytest.raises(ValueError, match="not a field API name on Lead"):
        list(collection_requests([op]))


def test_per_record_results_map_back_to_refs_with_their_errors() -> None:
    (request,) = collection_requests([_update(n) for n in range(4)])
    response = [
        {"id": "00Q5g00000Ab0000AAA", "success": True, "errors": []},
        {
            "success": False,
            "errors": [
                {
                    "statusCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                    "message": "Lead Grade must be A-D",
                    "fields": ["Lead_Grade__c"],
                }
            ],
        },
        {
            "success": False,
            "errors": [{"statusCode": "UNABLE_TO_LOCK_ROW", "message": "unable to obtain exclusive access"}],
        },
        {"success": False, "errors": [{"statusCode": "ENTITY_IS_DELETED", "message": "entity is deleted"}]},
    ]
    results = map_results(request, response)
    assert [(r.ref, r.success) for r in results] == [
        ("lead-0", True),
        ("lead-1", False),
        ("lead-2", False),
        ("lead-3", False),
    ]
    assert results[0].record_id == "00Q5g00000Ab0000AAA"
    assert not results[0].created
    assert results[1].errors == (
        ErrorDetail(
            status_code="FIELD_CUSTOM_VALIDATION_EXCEPTION",
            message="Lead Grade must be A-D",
            fields=("Lead_Grade__c",),
        ),
    )
    assert [r.errors[0].status_code for r in results[2:]] == ["UNABLE_TO_LOCK_ROW", "ENTITY_IS_DELETED"]


def test_upsert_results_say_whether_the_record_was_created() -> None:
    (request,) = collection_requests([lead_upsert("hubspot:1"), lead_upsert("hubspot:2")])
    response = [
        {"id": "00Q5g00000AbCd1AAA", "success": True, "errors": [], "created": True},
        {"id": "00Q5g00000AbCd2AAA", "success": True, "errors": [], "created": False},
    ]
    assert [(r.ref, r.created) for r in map_results(request, response)] == [
        ("hubspot:1", True),
        ("hubspot:2", False),
    ]


def test_a_created_record_is_marked_created() -> None:
    (request,) = collection_requests([task_create("task-1")])
    (result,) = map_results(request, [{"id": "00T5g00000XyZ01AAA", "success": True, "errors": []}])
    assert result.created
    assert result.record_id == "00T5g00000XyZ01AAA"


def test_a_response_that_does_not_match_the_request_fails_every_op() -> None:
    (request,) = collection_requests([_update(1), _update(2)])
    results = map_results(request, [{"id": "00Q5g00000Ab0001AAA", "success": True, "errors": []}])
    assert [(r.success, r.errors[0].status_code) for r in results] == [(False, "INVALID_RESPONSE")] * 2
    assert "1 results for 2 records" in results[0].errors[0].message
