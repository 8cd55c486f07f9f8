"""The runtime's boto3 clients: one per service, created on the first call (cold start, issue 15)."""

import boto3
import pytest
from leadrelay.adapters.aws_clients import AwsClients
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
