"""The dead-letter envelope: everything needed to understand, fix and redrive one failed event."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from leadrelay.domain.deadletter import (
    DEAD_LETTER_ENVELOPE_VERSION,
    DEFAULT_OPERATIONS,
    REDRIVE_POLICY_CODE,
    DeadLetter,
    OperationsConfig,
    check_operations,
    dead_letter_for,
    dead_letter_from_redrive_policy,
    unreadable_event,
)
from leadrelay.domain.errors import ErrorDetail
from leadrelay.domain.events import CanonicalEvent
from leadrelay.domain.failures import Classification, ErrorCategory, ErrorClass, classify
from pydantic import ValidationError

from tests.deadletter.conftest import (
    DUPLICATE_ERROR,
    LEAD_ID,
    OPERATIONS,
    RULES,
    VALIDATION_ERROR,
    letter,
    mql_decision,
    page_view,
    score_update,
)

FIRST = datetime(2026, 11, 21, 5, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 21, 5, 17, tzinfo=UTC)
INGEST = "https://sqs.ap-northeast-1.amazonaws.com/123456789012/leadrelay-ingest"


def test_the_envelope_carries_the_event_decision_write_error_and_versions() -> None:
    event = page_view()

    sent = dead_letter_for(
        event,
        error=VALIDATION_ERROR,
        classification=classify(VALIDATION_ERROR),
        attempts=2,
        first_failed_at=FIRST,
        now=NOW,
        operations=OPERATIONS,
        decision=mql_decision(),
        write=score_update(),
        function_version="7",
        source_queue=INGEST,
    )

    assert sent.envelope_version == DEAD_LETTER_ENVELOPE_VERSION == 1
    assert sent.event == event
    assert sent.decision == mql_decision().to_dict()
    assert sent.decision["trace"][0]["detail"] == "代表取締役/CEO"
    assert sent.write == score_update()
    assert (sent.error.status_code, sent.error.fields) == (
        "FIELD_CUSTOM_VALIDATION_EXCEPTION",
        ("Company",),
    )
    assert (sent.error_class, sent.category) == (ErrorClass.PERMANENT, ErrorCategory.VALIDATION)
    assert (sent.attempts, sent.first_failed_at, sent.last_failed_at) == (2, FIRST, NOW)
    assert (sent.ruleset_version, sent.function_version) == ("3f2a9c41b7de", "7")
    assert (sent.owner, sent.source_queue, sent.origin) == ("salesforce_admin", INGEST, "processor")


@pytest.mark.parametrize(
    ("category", "owner"),
    [
        (ErrorCategory.VALIDATION, "salesforce_admin"),
        (ErrorCategory.SCHEMA, "salesforce_admin"),
        (ErrorCategory.ACCESS, "salesforce_admin"),
        (ErrorCategory.DATA_QUALITY, "marketing_ops"),
        (ErrorCategory.DUPLICATE, "marketing_ops"),
        (ErrorCategory.MISSING_RECORD, "marketing_ops"),
        (ErrorCategory.RECORD_LOCK, "integration"),
        (ErrorCategory.API_LIMIT, "integration"),
        (ErrorCategory.UNAVAILABLE, "integration"),
        (ErrorCategory.SESSION, "integration"),
        (ErrorCategory.TIMEOUT, "integration"),
        (ErrorCategory.INVALID_EVENT, "integration"),
        (ErrorCategory.UNKNOWN, "integration"),
    ],
)
def test_the_shipped_operations_file_names_an_owner_per_category(category: ErrorCategory, owner: str) -> None:
    assert OPERATIONS.owner_for(category) == owner


def test_the_built_in_owners_are_the_shipped_file() -> None:
    ignored = {"schema_", "description"}

    assert OPERATIONS.model_dump(exclude=ignored) == DEFAULT_OPERATIONS.model_dump(exclude=ignored)
    assert list(check_operations(OPERATIONS)) == []


def test_owners_are_configurable_per_category() -> None:
    data = json.loads((RULES / "operations.json").read_text(encoding="utf-8"))
    data["owners"]["marketing_ops"]["categories"].remove("duplicate")
    data["owners"]["sales_ops"] = {"label": "営業企画", "categories": ["duplicate"]}
    operations = OperationsConfig.model_validate(data)

    assert letter(error=DUPLICATE_ERROR, operations=operations).owner == "sales_ops"


def test_a_category_owned_twice_and_an_unknown_default_owner_are_errors() -> None:
    data = json.loads((RULES / "operations.json").read_text(encoding="utf-8"))
    data["owners"]["integration"]["categories"].append("validation")
    data["default_owner"] = "情シス"
    with pytest.raises(ValidationError, match="default_owner"):
        OperationsConfig.model_validate(data)
    data["default_owner"] = "it_support"

    problems = list(check_operations(OperationsConfig.model_validate(data)))

    assert problems == [
        (
            "/default_owner",
            "'it_support' is not a defined owner (salesforce_admin, marketing_ops, integration)",
            True,
        ),
        (
            "/owners/integration/categories/7",
            "category 'validation' is already owned by salesforce_admin",
            True,
        ),
    ]


def test_a_category_nobody_lists_is_a_warning_naming_the_default_owner() -> None:
    data = json.loads((RULES / "operations.json").read_text(encoding="utf-8"))
    data["owners"]["integration"]["categories"].remove("timeout")

    problems = list(check_operations(OperationsConfig.model_validate(data)))

    assert problems == [("/owners", "no owner lists 'timeout'; it goes to integration", False)]


def test_the_rule_set_version_defaults_to_the_decisions() -> None:
    assert letter().ruleset_version == "3f2a9c41b7de"


def _letter_for(event: CanonicalEvent, record_id: str = LEAD_ID) -> DeadLetter:
    return letter(event, now=NOW, record_id=record_id, decided=False)


def test_the_id_is_stable_per_event_and_record() -> None:
    assert _letter_for(page_view()).id == _letter_for(page_view()).id
    assert _letter_for(page_view()).id != _letter_for(page_view("hubspot-1043")).id
    assert _letter_for(page_view()).id != _letter_for(page_view(), "00Q5j00000ZzYyXxWV").id
    assert _letter_for(page_view()).id.startswith("dl-")


def test_the_envelope_survives_a_json_round_trip() -> None:
    letter = _letter_for(page_view())

    assert DeadLetter.model_validate_json(letter.model_dump_json()) == letter


def test_the_original_body_is_the_canonical_event() -> None:
    letter = _letter_for(page_view())

    assert CanonicalEvent.model_validate_json(letter.original_body) == page_view()


def test_an_unreadable_message_is_kept_verbatim_with_its_parse_error() -> None:
    body = b'{"idempotency_key": "mk-9", "kind": "activity", "type": "fax_received"}'
    error = ErrorDetail(status_code="INVALID_EVENT", message="type: 'fax_received' is not an activity type")

    unreadable = letter(unreadable_event(body, error.message), error=error, decided=False, record_id=None)

    assert unreadable.event is None
    assert unreadable.original_body == body.decode()
    assert (unreadable.category, unreadable.owner) == (ErrorCategory.INVALID_EVENT, "integration")


def test_an_envelope_needs_exactly_one_original() -> None:
    data = json.loads(_letter_for(page_view()).model_dump_json())
    data["event"] = None

    with pytest.raises(ValidationError, match="either the canonical event or the unreadable body"):
        DeadLetter.model_validate(data)


def test_an_unknown_envelope_version_is_refused() -> None:
    data = json.loads(_letter_for(page_view()).model_dump_json())
    data["envelope_version"] = 2

    with pytest.raises(ValidationError, match="envelope_version"):
        DeadLetter.model_validate(data)


def test_a_message_moved_by_the_redrive_policy_reads_as_a_transient_unknown_failure() -> None:
    letter = dead_letter_from_redrive_policy(
        page_view(), moved_at=FIRST, receive_count=5, operations=OPERATIONS, source_queue=INGEST
    )

    assert (letter.error.status_code, letter.error.message) == (
        REDRIVE_POLICY_CODE,
        "moved by redrive policy",
    )
    assert Classification(letter.error_class, letter.category) == Classification(
        ErrorClass.TRANSIENT, ErrorCategory.UNKNOWN
    )
    assert (letter.origin, letter.attempts, letter.owner) == ("redrive_policy", 5, "integration")
    assert letter.age(NOW) == timedelta(minutes=17)


def test_the_record_is_the_written_record_or_the_events_identity() -> None:
    assert _letter_for(page_view()).record == LEAD_ID
    moved = dead_letter_from_redrive_policy(page_view(), moved_at=NOW, receive_count=3, operations=OPERATIONS)
    assert moved.record == "taro.yamada@sample-shoji.co.jp"
