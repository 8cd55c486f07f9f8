"""Alerts as Salesforce custom notifications (the bell and the Salesforce mobile app).

One REST call per 200 alerts: ``POST …/actions/standard/customNotificationAction`` with one input per
alert — ``customNotifTypeId`` (the type ``infra/salesforce/…/notificationtypes/LeadRelay_Alert``
deploys, looked up once per cold start by ``DeveloperName`` with one SOQL query), ``recipientIds`` (the
rep), ``title``, ``body`` and ``targetId`` (the lead, so a tap opens it). An input Salesforce refuses (an
inactive recipient) fails alone; :class:`~leadrelay.domain.alerts.NotificationError` names the reps
whose alerts were not delivered, so the SLA monitor retries exactly those.
"""

from __future__ import annotations

from collections.abc import Sequence

from leadrelay.adapters.salesforce.gateway import SimpleSalesforceGateway
from leadrelay.domain.alerts import TITLES, Alert, NotificationError
from leadrelay.domain.failures import SalesforceCallError

ACTION = "customNotificationAction"
CHUNK = 200
BODY_LENGTH = 750
"""Salesforce's limit on a notification's body (title: 250)."""


class SalesforceNotifier:
    """Custom notifications of one notification type, sent through the gateway's session."""

    def __init__(self, gateway: SimpleSalesforceGateway, type_name: str) -> None:
        self._gateway = gateway
        self._type_name = type_name
        self._type_id: str | None = None

    def notify(self, alerts: Sequence[Alert]) -> None:
        """Send every alert; raise ``NotificationError`` naming the reps whose alerts failed."""
        if not alerts:
            return
        type_id = self._notification_type()
        failed: list[Alert] = []
        reasons: list[str] = []
        for start in range(0, len(alerts), CHUNK):
            chunk = alerts[start : start + CHUNK]
            inputs = [_input(type_id, alert) for alert in chunk]
            try:
                results = self._gateway.invoke_action(ACTION, inputs)
            except SalesforceCallError as error:
                failed.extend(chunk)
                reasons.append(str(error))
                continue
            for alert, result in zip(chunk, results, strict=True):
                if not result.get("isSuccess"):
                    failed.append(alert)
                    reasons.extend(str(e.get("statusCode")) for e in result.get("errors") or [])
        if failed:
            raise NotificationError(
                f"custom notification failed for {len(failed)} of {len(alerts)} alerts: "
                + ", ".join(sorted(set(reasons))),
                failed=tuple(failed),
            )

    def _notification_type(self) -> str:
        """The type's id, read once (one query) and kept for the life of the execution environment."""
        if self._type_id is None:
            found = self._gateway.find("CustomNotificationType", "DeveloperName", [self._type_name], ["Id"])
            if not found:
                raise NotificationError(
                    f"no custom notification type {self._type_name!r} in the org "
                    "(deploy infra/salesforce: notificationtypes/LeadRelay_Alert)"
                )
            self._type_id = str(found[0]["Id"])
        return self._type_id


def _input(type_id: str, alert: Alert) -> dict[str, object]:
    body = alert.text if len(alert.text) <= BODY_LENGTH else alert.text[: BODY_LENGTH - 1] + "…"
    return {
        "customNotifTypeId": type_id,
        "recipientIds": [alert.rep_id],
        "title": TITLES[alert.kind],
        "body": body,
        "targetId": alert.lead_id,
    }
