"""Secrets (webhook secrets, and any other JSON secret) through Powertools parameters, cached with a TTL.

A secret is named by a *reference*: a Secrets Manager secret name or ARN (``leadrelay/webhooks``,
``arn:aws:secretsmanager:…``), or ``ssm:/leadrelay/webhooks`` for an SSM SecureString parameter. Its
value is JSON. Values are cached for ``POWERTOOLS_PARAMETERS_MAX_AGE`` seconds (300 when unset), so a
rotated secret is picked up within minutes without a deployment.

Locally (tests, ``leadrelay replay``) the same references are looked up in a JSON file named by
``LEADRELAY_SECRETS_FILE`` — ``{"<reference>": <value>, …}`` — and AWS is never called.

Nothing here logs or echoes a secret value; errors name the reference only.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.parameters import SecretsProvider, SSMProvider
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError, TransformParameterError
from botocore.exceptions import BotoCoreError

from leadrelay.adapters.aws_clients import AwsClients

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_ssm import SSMClient

DEFAULT_MAX_AGE_SECONDS = 300
DEFAULT_WEBHOOK_SECRET_NAME = "leadrelay/webhooks"  # noqa: S105 (a secret name, not a value)
SSM_PREFIX = "ssm:"


class SecretUnavailableError(RuntimeError):
    """A secret could not be read (missing, not JSON, unreachable); the message names only the reference."""


def _max_age() -> int:
    value = os.environ.get("POWERTOOLS_PARAMETERS_MAX_AGE", "")
    return int(value) if value.isdigit() else DEFAULT_MAX_AGE_SECONDS


class SecretSource:
    """Reads JSON secrets by reference from Secrets Manager or SSM, or from a local mapping."""

    def __init__(
        self,
        *,
        secretsmanager: SecretsManagerClient | None = None,
        ssm: SSMClient | None = None,
        local: Mapping[str, Any] | None = None,
        max_age: int | None = None,
    ) -> None:
        self._local = local
        self._max_age = _max_age() if max_age is None else max_age
        self._clients = (secretsmanager, ssm)

    @cached_property
    def _secrets(self) -> SecretsProvider:
        # Built on first use: a provider without a client opens a boto3 session of its own.
        return SecretsProvider(boto3_client=self._clients[0])

    @cached_property
    def _ssm(self) -> SSMProvider:
        return SSMProvider(boto3_client=self._clients[1])

    @classmethod
    def local_file(cls, path: str | Path) -> SecretSource:
        """Secrets from a local JSON file (``{"leadrelay/webhooks": {"hubspot": "…"}}``)."""
        try:
            document = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SecretUnavailableError(
                f"cannot read the secrets file {path}: {type(exc).__name__}"
            ) from exc
        if not isinstance(document, dict):
            raise SecretUnavailableError(
                f"the secrets file {path} must hold a JSON object of secrets by name"
            )
        return cls(local=document)

    @classmethod
    def from_settings(cls, secrets_file: Path | None, clients: AwsClients | None = None) -> SecretSource:
        """The local file when one is configured (``LEADRELAY_SECRETS_FILE``), else AWS (through
        ``clients``: the function's botocore session, each client created when first called)."""
        if secrets_file is not None:
            return cls.local_file(secrets_file)
        if clients is None:
            return cls()
        return cls(secretsmanager=clients.lazy("secretsmanager"), ssm=clients.lazy("ssm"))

    def get(self, reference: str) -> Any:
        """The secret's JSON value; raises :class:`SecretUnavailableError`."""
        if self._local is not None:
            if reference not in self._local:
                raise SecretUnavailableError(f"secret {reference} is not in the local secrets file")
            return self._local[reference]
        try:
            if reference.startswith(SSM_PREFIX):
                name = reference[len(SSM_PREFIX) :]
                return self._ssm.get(name, max_age=self._max_age, transform="json", decrypt=True)
            return self._secrets.get(reference, max_age=self._max_age, transform="json")
        # The AWS error (never the value): no region, no credentials, not found, denied.
        except (GetParameterError, BotoCoreError) as exc:
            raise SecretUnavailableError(f"secret {reference} cannot be read: {exc}") from exc
        except TransformParameterError as exc:
            raise SecretUnavailableError(f"secret {reference} is not JSON") from exc


class WebhookSecrets:
    """The webhook secret(s) of each provider: one JSON secret, a key per provider.

    A provider's value is a string, or a list of strings while a secret is being rotated (requests
    signed with any of them verify).
    """

    def __init__(self, source: SecretSource, reference: str | None = None) -> None:
        self.source = source
        self.reference = reference or DEFAULT_WEBHOOK_SECRET_NAME

    def for_provider(self, provider: str) -> list[str]:
        """The provider's secrets; raises :class:`SecretUnavailableError` when none is configured."""
        document = self.source.get(self.reference)
        value = document.get(provider) if isinstance(document, dict) else None
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
            raise SecretUnavailableError(
                f"secret {self.reference} has no non-empty string (or list of strings) under {provider!r}"
            )
        return list(values)
