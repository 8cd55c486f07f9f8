"""``--org local``: the functions' AWS resources on moto and Salesforce as the local org, in this process.

The queues and tables are created as ``template.yaml`` declares them (keys and TTL attributes from
the adapters that use them), the local org is started on a free port and the processor logs in to it
with client credentials, exactly as it would log in to an org. Nothing leaves the machine.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from leadrelay.adapters import activity_table, pool_states
from leadrelay.adapters.salesforce.auth import AuthFlow
from leadrelay.settings import Settings

from leadrelay_tools.local_pipeline import seed_record
from leadrelay_tools.localorg import LocalOrg
from leadrelay_tools.replay.environ import patched_environ

REGION = "us-east-1"
INGEST_QUEUE = "leadrelay-ingest"
DEAD_LETTER_QUEUE = "leadrelay-dead-letters"
ACTIVITY_TABLE = "leadrelay-activities"
IDEMPOTENCY_TABLE = "leadrelay-idempotency"
ROUTING_TABLE = "leadrelay-routing-state"
MAX_RECEIVE_COUNT = 5
_FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
}


def read_seed(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The records a local run creates first (``{"Lead": [{...}], ...}``); ``ValueError`` names the file."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise ValueError(f"{path}: not JSON ({exc})") from None
    if not isinstance(document, dict) or not all(
        isinstance(records, list) and all(isinstance(r, dict) for r in records)
        for records in document.values()
    ):
        raise ValueError(f'{path}: expected {{"<sobject>": [{{<fields>}}, ...], ...}}')
    return document


class LocalModeUnavailableError(RuntimeError):
    """The local mode needs moto (installed with ``pip install -e '.[dev]'``)."""


@dataclass(frozen=True)
class LocalEnvironment:
    """The running stand-ins and the settings that point the functions at them."""

    settings: Settings
    org: LocalOrg
    notes: tuple[str, ...] = ()
    """Seed values the org could not take (each left out of its record), per record."""


@contextmanager
def local_environment(
    *,
    rules_path: Path,
    secrets_file: Path | None = None,
    seed: Mapping[str, list[dict[str, Any]]] | None = None,
    org: LocalOrg | None = None,
) -> Iterator[LocalEnvironment]:
    """moto (queues, tables) and a started local org; yields the functions' settings for them.

    ``seed`` inserts records into the org first (``{"Lead": [{...fields}], ...}``, created as 佐藤 花子,
    a sales user, in order: ids are deterministic, ``00QRM00000000012AA`` for the first Lead of a fresh
    org). ``org``: a running org to use instead of starting one (the caller stops it).
    """
    try:
        from moto import mock_aws
    except ImportError as exc:  # pragma: no cover - moto is a dev dependency
        raise LocalModeUnavailableError(
            "--org local needs moto: pip install -e '.[dev]' (or use --org config)"
        ) from exc
    with (
        patched_environ(_FAKE_CREDENTIALS),
        mock_aws(),
        contextlib.nullcontext(org) if org else LocalOrg() as org,
        tempfile.TemporaryDirectory(prefix="leadrelay-replay-") as workdir,
    ):
        notes = _seed(org, seed or {})
        ingest_url, dlq_url = create_queues()
        create_tables()
        settings = Settings(
            rules_path=rules_path,
            ingest_queue_url=ingest_url,
            dlq_url=dlq_url,
            activity_table=ACTIVITY_TABLE,
            idempotency_table=IDEMPOTENCY_TABLE,
            routing_table=ROUTING_TABLE,
            sf_credentials_file=write_credentials(org, Path(workdir)),
            sf_ca_file=Path(org.ca_file),
            secrets_file=secrets_file,
            integration_user_id=org.integration_user_id,
            max_receive_count=MAX_RECEIVE_COUNT,
            function_version="replay",
        )
        yield LocalEnvironment(settings, org, notes)


def _seed(org: LocalOrg, seed: Mapping[str, list[dict[str, Any]]]) -> tuple[str, ...]:
    """Insert the seed records; a record the org refuses is a ``ValueError`` naming it and why."""
    notes: list[str] = []
    for sobject, records in seed.items():
        for number, fields in enumerate(records, start=1):
            record_id, problems = seed_record(org, sobject, fields, user_id=org.sales_user_ids[0])
            where = f"seed {sobject} #{number}"
            if record_id is None:
                raise ValueError(f"{where}: {'; '.join(problems)}")
            notes.extend(f"{where}: {problem}" for problem in problems)
    return tuple(notes)


def create_queues() -> tuple[str, str]:
    """The ingest queue redriving to the dead-letter queue (as template.yaml declares them)."""
    sqs = boto3.client("sqs", region_name=REGION)
    dlq_url = sqs.create_queue(QueueName=DEAD_LETTER_QUEUE)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": MAX_RECEIVE_COUNT})
    ingest_url = sqs.create_queue(
        QueueName=INGEST_QUEUE, Attributes={"RedrivePolicy": redrive, "VisibilityTimeout": "420"}
    )["QueueUrl"]
    return ingest_url, dlq_url


def create_tables() -> None:
    """The activity, routing-state and Powertools idempotency tables (keys and TTL as in template.yaml)."""
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.create_table(
        TableName=ACTIVITY_TABLE,
        KeySchema=[
            {"AttributeName": activity_table.PK, "KeyType": "HASH"},
            {"AttributeName": activity_table.SK, "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": activity_table.PK, "AttributeType": "S"},
            {"AttributeName": activity_table.SK, "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.create_table(
        TableName=ROUTING_TABLE,
        KeySchema=[{"AttributeName": pool_states.PK, "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": pool_states.PK, "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.create_table(
        TableName=IDEMPOTENCY_TABLE,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def write_credentials(
    org: LocalOrg, directory: Path, *, flow: AuthFlow = AuthFlow.CLIENT_CREDENTIALS
) -> Path:
    """The org's login as the gateway reads it (``LEADRELAY_SF_CREDENTIALS_FILE``)."""
    path = directory / "salesforce.json"
    path.write_text(json.dumps(credentials_document(org, flow)), encoding="utf-8")
    path.chmod(0o600)
    return path


def credentials_document(org: LocalOrg, flow: AuthFlow = AuthFlow.CLIENT_CREDENTIALS) -> dict[str, str]:
    """The org's login as a credentials secret holds it: client credentials, or the JWT bearer flow a
    deployment uses by default (the org's connected app, key and user)."""
    if flow is AuthFlow.JWT_BEARER:
        jwt = org.jwt_credentials()
        return {
            "flow": flow.value,
            "login_url": org.url,
            "consumer_key": jwt.consumer_key,
            "username": jwt.username,
            "private_key": jwt.private_key_pem,
            "audience": jwt.audience,
        }
    client_id, client_secret = org.client_credentials()
    return {
        "flow": flow.value,
        "login_url": org.url,
        "consumer_key": client_id,
        "consumer_secret": client_secret,
    }
