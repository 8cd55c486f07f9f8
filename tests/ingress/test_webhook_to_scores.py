"""From a signed webhook to the scores: what a caller puts in ``attributes`` cannot rename activities."""

from __future__ import annotations

from leadrelay.handlers.webhook import handle
from leadrelay_tools.localorg import LocalOrg

from tests.ingress.builders import EMAIL, NOW, FakeLambdaContext, api_event, generic_body, generic_headers
from tests.pipeline.support import FakeClock, leads_by_email, make_pipeline, message
from tests.plugins.ingress import IngressAws

SHADOWS = {
    "type": "webinar_attended",
    "id": "generic:evt-2026-11-21-0000",
    "source": "salesforce",
    "occurred_at": "2026-11-21T05:16:00+00:00",
    "url": "https://www.sample-shoji.co.jp/blog/dx-2026",
}
"""A blog page view whose attributes claim to be a webinar attendance, another event and another source."""


def scores_after_webhook(aws: IngressAws, org: LocalOrg, body: bytes) -> dict[str, float]:
    response = handle(
        api_event("generic", body, generic_headers(body)), FakeLambdaContext(), aws.webhook_runtime()
    )  # type: ignore[arg-type]
    assert response["statusCode"] == 200
    pipeline, clock, _ = make_pipeline(org, clock=FakeClock(now=NOW))
    bodies = aws.queues.bodies(aws.queue_url)
    pipeline.run([message(body) for body in bodies], remaining=clock.remaining)
    lead = leads_by_email(org)[EMAIL]
    return {"fit": lead["LR_Fit_Score__c"], "engagement": lead["LR_Engagement_Score__c"]}


def test_three_page_views_claiming_to_be_webinars_in_their_attributes_score_as_page_views(
    ingress_aws: IngressAws, local_org: LocalOrg
) -> None:
    body = generic_body(3, attributes=SHADOWS)

    scores = scores_after_webhook(ingress_aws, local_org, body)

    assert scores["engagement"] == 3  # 1 point per page view; 10 per webinar attended would make 30


def test_the_activities_keep_their_own_ids_so_none_is_counted_twice(
    ingress_aws: IngressAws, local_org: LocalOrg
) -> None:
    body = generic_body(5, attributes=SHADOWS)

    scores = scores_after_webhook(ingress_aws, local_org, body)

    assert scores["engagement"] == 5
