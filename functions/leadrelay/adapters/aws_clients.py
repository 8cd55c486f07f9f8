"""The AWS clients of one runtime: one client per service, each created when it is first called.

Creating a client costs tens of milliseconds (its service model is read from botocore's data), so a
cold start should create only the clients its first event calls. :meth:`AwsClients.lazy` hands an
adapter a stand-in that creates the shared client on its first attribute access — the processor's
dead-letter queue, for one, costs nothing until a message is dead-lettered. Clients are shared per
runtime, never per process: a test or the demo that builds a runtime under moto gets its own.

The clients' botocore session reads its model files with msgspec into plain dicts
(:class:`ModelFiles`): botocore's own reader builds an ``OrderedDict`` for every JSON object, and the
processor's three clients read about 700 KB of models on a cold start (``docs/cold-start.md``).

The clients are botocore's, created by that session: the client classes ``boto3.client`` returns, less
the S3 transfer methods (``upload_file``…) boto3 adds to an S3 client, which leadrelay never calls.
Going through a boto3 session would load s3transfer's transfer manager with the first S3 client (and
``boto3.compat`` with it, which ``leadrelay.deferred_modules`` otherwise keeps out of a cold start).
"""

from __future__ import annotations

from typing import Any

import botocore.session
import msgspec
from botocore.loaders import JSONFileLoader

from leadrelay.adapters.aws_services import CALLED_SERVICES


class ModelFiles(JSONFileLoader):
    """botocore's model-file reader, decoding ``x.json`` with msgspec into plain dicts.

    What botocore reads is the same (its loader still decides which file, and falls back here to
    ``x.json.gz``); only the decoding is faster, about 2.5× on the processor's models. Dicts keep their
    insertion order, which is all botocore asks of the ``OrderedDict`` it would build."""

    def load_file(self, file_path: str) -> Any:
        """The decoded JSON of ``file_path`` + ``.json`` (or ``.json.gz``); ``None`` when neither exists."""
        try:
            with open(file_path + ".json", "rb") as model:
                return msgspec.json.decode(model.read())
        except (FileNotFoundError, IsADirectoryError):
            return super().load_file(file_path)


def botocore_session() -> botocore.session.Session:
    """A botocore session configured as ``boto3.client``'s default one, reading its models with
    :class:`ModelFiles` (``AWS_DATA_PATH`` and the other settings still apply)."""
    session = botocore.session.get_session()
    session.get_component("data_loader").file_loader = ModelFiles()
    return session


class AwsClients:
    """One client per service for one runtime (``boto3.client``'s defaults, one botocore session)."""

    def __init__(self) -> None:
        self._clients: dict[str, Any] = {}
        self._session: botocore.session.Session | None = None

    def client(self, service: str) -> Any:
        """The runtime's client of ``service`` (``"dynamodb"``, ``"sqs"``, ``"s3"``), created now if new.

        ``ValueError`` for a service outside :data:`~leadrelay.adapters.aws_services.CALLED_SERVICES`:
        the built artifact holds no botocore model for it."""
        if service not in CALLED_SERVICES:
            raise ValueError(
                f"no {service!r} client: the build ships botocore models only for"
                f" {', '.join(CALLED_SERVICES)}"
                " (add it to CALLED_SERVICES in leadrelay/adapters/aws_services.py)"
            )
        if service not in self._clients:
            if self._session is None:
                self._session = botocore_session()
            self._clients[service] = self._session.create_client(service)
        return self._clients[service]

    def lazy(self, service: str) -> Any:
        """A stand-in for :meth:`client` that creates the client on its first attribute access."""
        return LazyClient(self, service)

    def created(self) -> tuple[str, ...]:
        """The services whose client exists so far (what a cold start has paid for)."""
        return tuple(self._clients)


class LazyClient:
    """Forwards every attribute to ``clients.client(service)``, created on the first access."""

    def __init__(self, clients: AwsClients, service: str) -> None:
        self._clients = clients
        self._service = service

    def __getattr__(self, name: str) -> Any:
        return getattr(self._clients.client(self._service), name)

    def __repr__(self) -> str:
        return f"LazyClient({self._service!r})"
