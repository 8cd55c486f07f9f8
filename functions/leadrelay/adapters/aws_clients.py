"""The boto3 clients of one runtime: one client per service, each created when it is first called.

Creating a client costs tens of milliseconds (its service model is read from botocore's data), so a
cold start should create only the clients its first event calls. :meth:`AwsClients.lazy` hands an
adapter a stand-in that creates the shared client on its first attribute access — the processor's
dead-letter queue, for one, costs nothing until a message is dead-lettered. Clients are shared per
runtime, never per process: a test or the demo that builds a runtime under moto gets its own.
"""

from __future__ import annotations

from typing import Any

import boto3

from leadrelay.adapters.aws_services import CALLED_SERVICES


class AwsClients:
    """One boto3 client per service for one runtime (``boto3.client``'s default session and config)."""

    def __init__(self) -> None:
        self._clients: dict[str, Any] = {}

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
            self._clients[service] = boto3.client(service)  # type: ignore[call-overload]
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
