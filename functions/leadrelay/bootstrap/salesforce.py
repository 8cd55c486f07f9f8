"""The Salesforce side of the object graph, shared by the processor and the SLA monitor: credentials, the
HTTP session, the gateway with the headers ``ownership.json`` asks for, the MA directories and the
notifiers."""

from __future__ import annotations

from collections.abc import Callable

import requests

from leadrelay.adapters.aws_clients import AwsClients
from leadrelay.adapters.ma import ma_directories
from leadrelay.adapters.salesforce import (
    SimpleSalesforceGateway,
    credentials_from_document,
    credentials_from_file,
)
from leadrelay.adapters.salesforce.auth import SalesforceCredentials
from leadrelay.adapters.salesforce.notifications import SalesforceNotifier
from leadrelay.adapters.salesforce.sessions import ApiUsage
from leadrelay.adapters.secrets import SecretSource
from leadrelay.adapters.slack import FanOut, SlackNotifier
from leadrelay.domain.events import EventSource
from leadrelay.domain.ownership import OwnershipMap
from leadrelay.ports import MaDirectory, Notifier, SalesforceGateway
from leadrelay.settings import AlertSettings, ProcessorSettings, SalesforceAccess, SettingsError


def salesforce_credentials(
    settings: SalesforceAccess, clients: AwsClients | None = None
) -> SalesforceCredentials:
    """The credentials from the configured secret (a Secrets Manager name or ARN, or ``ssm:/name``, read
    like every other secret: with ``clients``' session when given, from ``LEADRELAY_SECRETS_FILE`` in
    local mode), else (local mode) the credentials file."""
    if settings.sf_secret_id:
        secrets = SecretSource.from_settings(settings.secrets_file, clients)
        document = secrets.get(settings.sf_secret_id)
        return credentials_from_document(document, source=f"secret {settings.sf_secret_id}")
    if settings.sf_credentials_file:
        return credentials_from_file(settings.sf_credentials_file)
    raise SettingsError("LEADRELAY_SF_SECRET_ID is not set (or LEADRELAY_SF_CREDENTIALS_FILE in local mode)")


def http_session(settings: SalesforceAccess) -> requests.Session:
    """The HTTP session for Salesforce and the MA APIs (local mode: trust the local org's CA)."""
    session = requests.Session()
    if settings.sf_ca_file:  # and keep proxies off loopback
        session.verify = str(settings.sf_ca_file)
        session.trust_env = False
    return session


def salesforce_gateway(
    settings: SalesforceAccess,
    ownership: OwnershipMap,
    *,
    on_api_usage: Callable[[ApiUsage], None] | None = None,
    clients: AwsClients | None = None,
) -> SimpleSalesforceGateway:
    """The gateway with the headers ``ownership.json`` asks for (assignment rules, duplicate rules);
    its credentials' secret is read through ``clients`` when given (the function's botocore session)."""
    return SimpleSalesforceGateway(
        salesforce_credentials(settings, clients),
        http=http_session(settings),
        client_name=settings.client_name,
        on_api_usage=on_api_usage,
        lead_auto_assign_on_create=ownership.lead_assignment.create_header,
        save_past_duplicate_alerts=ownership.duplicate_rules.on_create == "allow_save",
    )


def ma_directories_for(
    settings: ProcessorSettings, clients: AwsClients | None = None
) -> dict[EventSource, MaDirectory]:
    """The MA directories the MA secret has credentials for (none when no secret is configured)."""
    if not settings.ma_secret_name:
        return {}
    secrets = SecretSource.from_settings(settings.secrets_file, clients)
    return ma_directories(secrets, settings.ma_secret_name, http=http_session(settings))


def notifiers(
    settings: AlertSettings, gateway: SalesforceGateway, clients: AwsClients | None = None
) -> Notifier | None:
    """Salesforce custom notifications of the configured type, and Slack too when a webhook secret is
    configured; ``None`` when no notification type is (or the gateway is a stand-in: then pass one)."""
    if not settings.notification_type or not isinstance(gateway, SimpleSalesforceGateway):
        return None
    salesforce = SalesforceNotifier(gateway, settings.notification_type)
    if not settings.slack_secret_name:
        return salesforce
    secrets = SecretSource.from_settings(settings.secrets_file, clients)
    reference = settings.slack_secret_name
    slack = SlackNotifier(lambda: str(secrets.get(reference)["slack_webhook_url"]), http_session(settings))
    return FanOut(salesforce, slack)
