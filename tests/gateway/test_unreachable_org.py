"""An org that never answers or cannot be reached: failed results, never an exception from write."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from leadrelay.adapters.salesforce import AuthFlow, SalesforceCredentials, SimpleSalesforceGateway
from leadrelay.domain.failures import ErrorCategory, SalesforceCallError, classify_all
from leadrelay.domain.writes import WriteKind, WriteOp

OPS = [
    WriteOp(
        ref=f"lead-{n}",
        sobject="Lead",
        kind=WriteKind.UPDATE,
        record_id=f"00Q5g00000Ab{n:04d}AAA",
        fields={"LR_Fit_Score__c": 70 + n},
    )
    for n in range(3)
]


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback server that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.05)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


@pytest.fixture
def closed_port() -> str:
    """A loopback address where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _gateway(login_url: str) -> SimpleSalesforceGateway:
    credentials = SalesforceCredentials(
        flow=AuthFlow.CLIENT_CREDENTIALS,
        login_url=login_url,
        consumer_key="leadrelay-local",
        consumer_secret="local-secret",
    )
    return SimpleSalesforceGateway(credentials, timeout=0.2)


def test_a_write_to_an_org_that_never_answers_fails_every_op_with_a_transient_timeout(
    silent_server: str,
) -> None:
    results = _gateway(silent_server).write(OPS)
    assert [(r.ref, r.success) for r in results] == [("lead-0", False), ("lead-1", False), ("lead-2", False)]
    assert {r.errors[0].status_code for r in results} == {"TIMEOUT"}
    assert all(classify_all(r.errors).category is ErrorCategory.TIMEOUT for r in results)


def test_a_read_from_an_org_that_never_answers_raises_a_transient_timeout(silent_server: str) -> None:
    with pytest.raises(SalesforceCallError) as caught:
        _gateway(silent_server).find("Lead", "Email", ["taro.yamada@sample-shoji.co.jp"], ["Email"])
    assert caught.value.error.status_code == "TIMEOUT"
    assert caught.value.classification.transient
    assert "taro.yamada" not in str(caught.value)


def test_a_write_to_an_unreachable_org_fails_every_op_with_a_connection_error(closed_port: str) -> None:
    results = _gateway(closed_port).write(OPS)
    assert [r.errors[0].status_code for r in results] == ["CONNECTION_ERROR"] * 3
    assert all(classify_all(r.errors).transient for r in results)
