"""Webhook secrets from Secrets Manager or SSM (Powertools parameters, cached) or a local file."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from leadrelay.adapters.secrets import SecretSource, SecretUnavailableError, WebhookSecrets

from tests.ingress.builders import WEBHOOK_SECRETS
from tests.plugins.dead_letters import REGION
from tests.plugins.ingress import WEBHOOK_SECRET_NAME, IngressAws


def test_a_providers_secret_is_read_from_secrets_manager(ingress_aws: IngressAws) -> None:
    secrets = WebhookSecrets(SecretSource(secretsmanager=ingress_aws.secretsmanager), WEBHOOK_SECRET_NAME)

    assert secrets.for_provider("hubspot") == [WEBHOOK_SECRETS["hubspot"]]


def test_a_list_of_secrets_serves_a_rotation(ingress_aws: IngressAws) -> None:
    ingress_aws.secretsmanager.create_secret(
        Name="rotating", SecretString=json.dumps({"generic": ["new", "old"]})
    )

    assert WebhookSecrets(SecretSource(secretsmanager=ingress_aws.secretsmanager), "rotating").for_provider(
        "generic"
    ) == ["new", "old"]


def test_the_secret_is_cached_until_its_max_age(ingress_aws: IngressAws) -> None:
    source = SecretSource(secretsmanager=ingress_aws.secretsmanager, max_age=300)
    secrets = WebhookSecrets(source, WEBHOOK_SECRET_NAME)
    secrets.for_provider("hubspot")

    ingress_aws.secretsmanager.put_secret_value(
        SecretId=WEBHOOK_SECRET_NAME, SecretString=json.dumps({"hubspot": "rotated"})
    )

    assert secrets.for_provider("hubspot") == [WEBHOOK_SECRETS["hubspot"]]
    assert WebhookSecrets(
        SecretSource(secretsmanager=ingress_aws.secretsmanager, max_age=0), WEBHOOK_SECRET_NAME
    ).for_provider("hubspot") == ["rotated"]


def test_an_ssm_secure_string_is_read_and_decrypted(ingress_aws: IngressAws) -> None:
    ssm = boto3.client("ssm", region_name=REGION)
    ssm.put_parameter(
        Name="/leadrelay/webhooks", Type="SecureString", Value=json.dumps({"marketo": "mk-ssm"})
    )

    secrets = WebhookSecrets(SecretSource(ssm=ssm), "ssm:/leadrelay/webhooks")

    assert secrets.for_provider("marketo") == ["mk-ssm"]


def test_a_missing_secret_is_unavailable_and_the_error_names_only_the_reference(
    ingress_aws: IngressAws,
) -> None:
    with pytest.raises(SecretUnavailableError, match="secret leadrelay/missing cannot be read"):
        WebhookSecrets(
            SecretSource(secretsmanager=ingress_aws.secretsmanager), "leadrelay/missing"
        ).for_provider("hubspot")


def test_a_provider_without_a_secret_is_unavailable_without_echoing_the_others(
    ingress_aws: IngressAws,
) -> None:
    secrets = WebhookSecrets(SecretSource(secretsmanager=ingress_aws.secretsmanager), WEBHOOK_SECRET_NAME)

    with pytest.raises(SecretUnavailableError) as caught:
        secrets.for_provider("sansan")

    assert all(value not in str(caught.value) for value in WEBHOOK_SECRETS.values())


def test_locally_secrets_come_from_the_file_named_in_the_settings(tmp_path: Path) -> None:
    file = tmp_path / "secrets.json"
    file.write_text(json.dumps({"leadrelay/webhooks": {"generic": "local-generic"}}), encoding="utf-8")

    secrets = WebhookSecrets(SecretSource.from_settings(file))

    assert secrets.for_provider("generic") == ["local-generic"]


def test_a_broken_local_secrets_file_is_reported_without_its_content(tmp_path: Path) -> None:
    file = tmp_path / "secrets.json"
    file.write_text('{"leadrelay/webhooks": {"generic": "s3cr3t"', encoding="utf-8")

    with pytest.raises(SecretUnavailableError) as caught:
        SecretSource.local_file(file)

    assert "s3cr3t" not in str(caught.value)
