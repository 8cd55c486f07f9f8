"""The runtime's boto3 clients: one per service, created on the first call (cold start, issue 15)."""

import gzip
import json
from pathlib import Path

import boto3
import pytest
from botocore.loaders import JSONFileLoader
from leadrelay.adapters.aws_clients import AwsClients, ModelFiles, botocore_session
from moto import mock_aws

REGION = "ap-northeast-1"


def test_a_client_is_created_on_its_first_call_and_shared_by_every_adapter_of_its_service(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in {
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "t",
        "AWS_SECRET_ACCESS_KEY": "t",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        clients = AwsClients()
        ingest, dead_letters = clients.lazy("sqs"), clients.lazy("sqs")
        assert clients.created() == ()  # handing a client to an adapter costs nothing

        url = ingest.create_queue(QueueName="leadrelay-dead-letters")["QueueUrl"]

        assert clients.created() == ("sqs",)
        assert dead_letters.get_queue_url(QueueName="leadrelay-dead-letters")["QueueUrl"] == url
        assert clients.client("sqs") is clients.client("sqs")
        assert clients.created() == ("sqs",)
        assert boto3.client("sqs").list_queues()["QueueUrls"] == [url]


def test_a_service_the_build_ships_no_model_for_is_refused_naming_where_to_add_it() -> None:
    with pytest.raises(ValueError, match=r"no 'events' client: .*aws_services\.py"):
        AwsClients().client("events")


def test_model_files_decode_a_plain_model_as_botocore_does(tmp_path: Path) -> None:
    model = {"version": "2.0", "metadata": {"endpointPrefix": "dynamodb"}, "shapes": {"B": {}, "A": {}}}
    (tmp_path / "service-2.json").write_text(json.dumps(model), encoding="utf-8")

    decoded = ModelFiles().load_file(str(tmp_path / "service-2"))

    assert decoded == JSONFileLoader().load_file(str(tmp_path / "service-2"))
    assert list(decoded["shapes"]) == ["B", "A"]  # the members' order botocore relies on


def test_model_files_fall_back_to_the_gzipped_model_pip_installs(tmp_path: Path) -> None:
    (tmp_path / "service-2.json.gz").write_bytes(gzip.compress(b'{"operations": {"GetItem": {}}}'))

    assert ModelFiles().load_file(str(tmp_path / "service-2")) == {"operations": {"GetItem": {}}}
    assert ModelFiles().load_file(str(tmp_path / "paginators-1")) is None


def test_the_clients_read_their_models_with_model_files() -> None:
    loader = botocore_session().get_component("data_loader")

    assert isinstance(loader.file_loader, ModelFiles)  # what they read: tests/infra/test_botocore_models.py
