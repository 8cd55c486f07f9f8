"""A user's situation as one sentence: what went wrong, where, and what to do — never a traceback.

``main`` passes every exception a command lets escape to :func:`describe`; only ``--debug`` shows the
traceback. AWS (region, credentials, endpoints, refusals), Salesforce and MA endpoints that cannot be
reached, secrets that cannot be read, settings and files each get their own sentence; anything else is
named by its type as an unexpected error, with the hint to rerun with ``--debug``.
"""

from __future__ import annotations

import re

import requests
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
)
from leadrelay.adapters.secrets import SecretUnavailableError
from leadrelay.domain.failures import SalesforceCallError
from leadrelay.engine.diagnostics import RuleSetError
from leadrelay.settings import SettingsError

DEBUG_HINT = "rerun with --debug for the traceback"
_QUEUE_URL_REGION = re.compile(r"^https://sqs[.-]([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d+)\.amazonaws\.com")


def region_from_queue_url(url: str | None) -> str | None:
    """The region an SQS queue URL names (``https://sqs.ap-northeast-1.amazonaws.com/…``), else None."""
    match = _QUEUE_URL_REGION.match(url or "")
    return match.group(1) if match else None


def describe(error: BaseException) -> str:
    """One sentence for ``error`` (no traceback, no secret values: messages name references only)."""
    if isinstance(error, NoRegionError):
        return (
            "no AWS region: pass --region, set AWS_REGION, or give a queue URL that names one "
            "(https://sqs.<region>.amazonaws.com/…)"
        )
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return (
            "no AWS credentials: set AWS_PROFILE (after `aws sso login`) or AWS_ACCESS_KEY_ID and "
            f"AWS_SECRET_ACCESS_KEY ({error})"
        )
    if isinstance(error, EndpointConnectionError):
        endpoint = error.kwargs.get("endpoint_url", "the AWS endpoint")
        return f"cannot reach {endpoint}: check the region and the network"
    if isinstance(error, ClientError):
        return f"AWS refused: {error}"
    if isinstance(error, BotoCoreError):
        return f"AWS: {error}"
    if isinstance(error, requests.ConnectionError | requests.Timeout):
        url = error.request.url if error.request is not None else "the server"
        return f"cannot reach {url}: check the URL (login_url, instance) and the network"
    if isinstance(error, SecretUnavailableError | SettingsError | SalesforceCallError | RuleSetError):
        return str(error)
    if isinstance(error, OSError) and error.filename is not None:
        return f"{error.filename}: {error.strerror or error}"
    if isinstance(error, OSError | ValueError):
        return str(error) or type(error).__name__
    return f"unexpected {type(error).__name__}: {error} ({DEBUG_HINT} and report it)"
