"""The processor never overruns its Lambda timeout (issue 9, item 5).

The local org answers every API request in 8 s (its latency fault, on the Lambda's fake clock), and the
function has 62 s: the batch needs two lookups, three match-key queries (Lead, Contact, Account) and
three writes (64 s). Before, every first attempt
started regardless and the invocation would have been killed mid-batch; now no Salesforce call starts
that could outlast the time left, and what cannot finish goes back to the queue with its reason.
"""

from __future__ import annotations

import io
from types import ModuleType
from typing import Any

from leadrelay_tools.localorg import LocalOrg

from tests.pipeline.support import page_view
from tests.processor.harness import FakeLambdaContext, LambdaClock, sqs_event

TARO = "taro.yamada@sample-shoji.co.jp"  # a Lead already
HANAKO = "hanako.suzuki@example-kogyo.co.jp"  # a Contact already
JIRO = "jiro.sato@example-kogyo.co.jp"  # nobody yet: a Lead to create
ARN = "arn:aws:sqs:ap-northeast-1:123456789012:leadrelay-ingest"


def messages(*emails: str) -> list[dict[str, Any]]:
    """One SQS message per person (a page view each), as the event source mapping receives them."""
    attributes = {"ApproximateReceiveCount": "1", "ApproximateFirstReceiveTimestamp": "1795000000000"}
    return [
        {"MessageId": email, "ReceiptHandle": f"r-{email}", "Body": page_view(email).model_dump_json()}
        | {"Attributes": attributes}
        for email in emails
    ]


def test_calls_that_cannot_finish_in_time_are_handed_back_and_the_invocation_ends_in_time(
    processor: ModuleType, local_org: LocalOrg, log_output: io.StringIO
) -> None:
    local_org.insert("Lead", {"LastName": "山田", "Company": "サンプル商事", "Email": TARO})
    local_org.insert("Contact", {"LastName": "鈴木", "FirstName": "花子", "Email": HANAKO})
    clock = LambdaClock()
    local_org.faults.configure(latency=8.0, sleep=clock.sleep)
    pending = messages(TARO, HANAKO, JIRO)
    handed_back: list[int] = []
    while pending and len(handed_back) < 5:
        context = FakeLambdaContext(clock, timeout=62.0)
        response = processor.handler(sqs_event(pending, ARN), context)
        assert context.get_remaining_time_in_millis() > 0  # ended before Lambda would kill it
        failed = {item["itemIdentifier"] for item in response["batchItemFailures"]}
        handed_back.append(len(failed))
        pending = [m for m in pending if m["MessageId"] in failed]
    assert handed_back[0] == 2  # one write fitted; the other two were not started
    assert pending == []  # redelivered, everything was applied
    assert '"error_code":"OUT_OF_TIME"' in log_output.getvalue()
    lead = next(r for r in local_org.records("Lead") if r["Email"] == JIRO)
    assert lead["LR_Engagement_Score__c"] > 0
