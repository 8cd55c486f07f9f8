"""``leadrelay org describe --output FILE``: the org's objects and fields, for ``rules validate``.

Logs in as the functions do (``LEADRELAY_SF_SECRET_ID``, or ``LEADRELAY_SF_CREDENTIALS_FILE`` and
``LEADRELAY_SF_CA_FILE`` against the local org), calls the sObject Describe resource through
simple-salesforce for each object, and writes the field list ``rules validate --org-fields`` reads.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from leadrelay.rulefiles.catalogue import PERSON_OBJECTS, org_fields_document

DEFAULT_OBJECTS = (*PERSON_OBJECTS, "Account", "User", "Task")
LOGIN_TIMEOUT_SECONDS = 30.0


class OrgError(Exception):
    """The org cannot be reached or described; the message is the sentence to print."""


def register(subparsers: Any) -> None:
    """Add `org describe`."""
    parser = subparsers.add_parser(
        "org", help="read the Salesforce org's schema", description="Read what the Salesforce org has."
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    describe = actions.add_parser(
        "describe",
        help="write the org's objects and fields for `rules validate --org-fields`",
        description="Describe each object through the sObject Describe API (simple-salesforce) with the "
        "credentials the functions use (LEADRELAY_SF_SECRET_ID, or LEADRELAY_SF_CREDENTIALS_FILE and "
        "LEADRELAY_SF_CA_FILE) and write the field list that `leadrelay rules validate --org-fields` reads.",
    )
    describe.add_argument(
        "--output", type=Path, required=True, metavar="FILE", help="where to write the list"
    )
    describe.add_argument(
        "--objects",
        default=",".join(DEFAULT_OBJECTS),
        help=f"comma-separated objects to describe (default: {','.join(DEFAULT_OBJECTS)})",
    )
    describe.set_defaults(func=run_describe)


def run_describe(args: argparse.Namespace) -> int:
    """`org describe`: describe the objects, write the file, say how many fields; exit 2 on failure."""
    objects = [name.strip() for name in args.objects.split(",") if name.strip()]
    try:
        client = org_client()
        described = [describe_object(client, name) for name in objects]
        document = org_fields_document(described, org=client.sf_instance)
        args.output.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OrgError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: {args.output}: cannot write: {error.strerror or error}", file=sys.stderr)
        return 2
    counts = ", ".join(f"{name} {len(fields)}" for name, fields in document["objects"].items())
    print(f"{args.output}: fields of {counts}")
    return 0


def org_client(settings: Any = None) -> Any:
    """simple-salesforce's client, logged in with the functions' Salesforce settings (``settings``, else
    the ``LEADRELAY_*`` environment)."""
    from botocore.exceptions import BotoCoreError, ClientError
    from leadrelay.adapters.salesforce.auth import login
    from leadrelay.bootstrap.salesforce import http_session, salesforce_credentials
    from leadrelay.domain.failures import SalesforceCallError
    from leadrelay.settings import SalesforceAccess
    from simple_salesforce.api import Salesforce

    try:
        settings = settings or SalesforceAccess.from_env()
        credentials = salesforce_credentials(settings)
        http = http_session(settings)
        session = login(credentials, http=http, timeout=LOGIN_TIMEOUT_SECONDS)
    except (ValueError, OSError, BotoCoreError, ClientError, SalesforceCallError) as error:
        raise OrgError(f"cannot log in to Salesforce: {error}") from None
    client = Salesforce(
        instance_url=session.instance_url,
        session_id=session.access_token.get_secret_value(),
        session=http,
        version=credentials.api_version,
    )
    client.base_url = f"{session.instance_url.rstrip('/')}/services/data/v{credentials.api_version}/"
    return client


def describe_object(client: Any, name: str) -> dict[str, Any]:
    """The sObject Describe result of ``name``; ``OrgError`` when the org lacks it or cannot answer."""
    from requests import RequestException
    from simple_salesforce.exceptions import SalesforceError, SalesforceResourceNotFound

    try:
        result: dict[str, Any] = getattr(client, name).describe()
    except SalesforceResourceNotFound:
        raise OrgError(f"the org has no object {name!r}") from None
    except (SalesforceError, RequestException) as error:
        raise OrgError(f"describing {name} failed: {error}") from None
    return result
