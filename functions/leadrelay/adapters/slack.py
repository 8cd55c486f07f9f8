"""Alerts to a Slack channel through an incoming webhook, and the fan-out to several notifiers.

The webhook URL is a secret (whoever holds it can post to the channel): it lives in Secrets Manager
(``LEADRELAY_SLACK_SECRET_NAME`` names the secret, ``{"slack_webhook_url": "https://hooks.slack.com/…"}``),
is read through :class:`~leadrelay.adapters.secrets.SecretSource` (cached, rotation picked up within
minutes) and is never logged. One POST per run carries every alert as one message
(``{"text": …}``, Slack's incoming-webhook payload); Slack answers 200 ``ok``.

:class:`FanOut` sends to Salesforce first and Slack second: Salesforce's custom notification is the
alert of record (a failure there is retried by the next run); a Slack failure is logged and counted
but never un-sends what Salesforce delivered.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import requests

from leadrelay.domain.alerts import TITLES, Alert, NotificationError
from leadrelay.ports import Notifier

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10.0


class SlackNotifier:
    """Posts alerts to the incoming webhook whose URL ``webhook_url()`` returns."""

    def __init__(self, webhook_url: Callable[[], str], http: requests.Session | None = None) -> None:
        self._url = webhook_url
        self._http = http or requests.Session()

    def notify(self, alerts: Sequence[Alert]) -> None:
        """One message with every alert; raises ``NotificationError`` (without the URL) when refused."""
        if not alerts:
            return
        lines = [f"*{TITLES[alert.kind]}* {alert.text}" for alert in alerts]
        try:
            url = self._url()
        except (KeyError, TypeError, RuntimeError) as error:  # RuntimeError: SecretUnavailableError
            raise NotificationError(f"Slack webhook URL unavailable: {type(error).__name__}") from None
        try:
            response = self._http.post(url, json={"text": "\n".join(lines)}, timeout=TIMEOUT_SECONDS)
        except requests.RequestException as error:
            raise NotificationError(f"Slack webhook unreachable: {type(error).__name__}") from None
        if response.status_code != 200:
            raise NotificationError(f"Slack webhook answered {response.status_code}: {response.text[:100]}")


class FanOut:
    """The first notifier is the alert of record; the others are best effort."""

    def __init__(self, primary: Notifier, *others: Notifier) -> None:
        self._primary = primary
        self._others = others

    def notify(self, alerts: Sequence[Alert]) -> None:
        """Deliver through the primary (raising as it does), then the others (failures logged)."""
        self._primary.notify(alerts)
        for other in self._others:
            try:
                other.notify(alerts)
            except NotificationError as error:
                logger.warning("secondary alert channel failed: %s", error)


class _Nobody:
    """Alerts go nowhere (no notification type configured); the ledger still records them."""

    def notify(self, alerts: Sequence[Alert]) -> None:
        """Nothing."""


NO_NOTIFIER: Notifier = _Nobody()
