"""The build keeps only the botocore models of the AWS services leadrelay calls (cold start, issue 15).

``functions/slim_botocore.py`` runs in ``functions/Makefile`` after the dependencies are installed; it
reads the kept services from ``leadrelay/adapters/aws_services.py``. Here: it keeps exactly those on a
botocore data directory, refuses a directory it cannot use with a sentence, and every service the
functions' code creates a client for is one it keeps.
"""

from __future__ import annotations

import ast
import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import botocore
import pytest
from leadrelay.adapters.aws_services import CALLED_SERVICES, SHIPPED_SERVICES

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "functions" / "slim_botocore.py"
SHARED_FILES = ("_retry.json", "endpoints.json", "partitions.json", "sdk-default-configuration.json")
CLIENT_FACTORIES = {"client", "lazy"}
"""``boto3.client("…")``, ``clients.client("…")`` and ``clients.lazy("…")``."""


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(SCRIPT), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - our script


def botocore_data(artifact: Path, services: tuple[str, ...]) -> Path:
    """A botocore data directory: ``services`` (endpoint prefix = name), every one in endpoints.json."""
    data = artifact / "botocore" / "data"
    for service in services:
        (data / service / "2012-08-10").mkdir(parents=True)
        model = {"metadata": {"endpointPrefix": service}, "operations": {}}
        (data / service / "2012-08-10" / "service-2.json.gz").write_bytes(
            gzip.compress(json.dumps(model).encode())
        )
    for name in SHARED_FILES:
        (data / name).write_text("{}", encoding="utf-8")
    partitions = [
        {"partition": name, "regions": {}, "services": {service: {"endpoints": {}} for service in services}}
        for name in ("aws", "aws-cn")
    ]
    (data / "endpoints.json").write_text(
        json.dumps({"partitions": partitions, "version": 3}), encoding="utf-8"
    )
    return data


def test_only_the_shipped_services_and_the_shared_files_are_kept(tmp_path: Path) -> None:
    data = botocore_data(tmp_path, (*SHIPPED_SERVICES, "ec2", "sagemaker", "events"))

    done = run(tmp_path)

    assert done.returncode == 0, done.stderr
    assert sorted(path.name for path in data.iterdir() if path.is_dir()) == sorted(SHIPPED_SERVICES)
    assert all((data / name).is_file() for name in SHARED_FILES)
    assert "3 others removed" in done.stdout


def test_endpoints_keep_only_the_shipped_services_in_every_partition(tmp_path: Path) -> None:
    data = botocore_data(tmp_path, (*SHIPPED_SERVICES, "ec2", "sagemaker"))

    assert run(tmp_path).returncode == 0

    endpoints = json.loads((data / "endpoints.json").read_text(encoding="utf-8"))
    kept = [sorted(partition["services"]) for partition in endpoints["partitions"]]
    assert kept == [sorted(SHIPPED_SERVICES)] * 2


ENDPOINT_PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import botocore.session
from botocore.stub import Stubber
if sys.argv[3] == "as deployed":  # the functions' session: models read by leadrelay's ModelFiles
    sys.path.append(sys.argv[4])
    from leadrelay.adapters.aws_clients import botocore_session
    session = botocore_session()
else:
    session = botocore.session.get_session()
shapes = {}
for service in sys.argv[2].split(","):
    model = session.get_service_model(service)
    for name in model.operation_names:
        operation = model.operation_model(name)
        shape = operation.input_shape
        shapes[f"{service}.{name}"] = [operation.http, sorted(shape.members) if shape else []]
urls = {}
for region in ("ap-northeast-1", "us-gov-west-1", "cn-north-1", "eu-central-1"):
    for service in sys.argv[2].split(","):
        client = session.create_client(
            service, region_name=region, aws_access_key_id="k", aws_secret_access_key="s"
        )
        urls[f"{service}@{region}"] = client.meta.endpoint_url
calls = {  # one call per service: a call resolves its endpoint with the model's context parameters
    "dynamodb": ("get_item", {"TableName": "t", "Key": {"k": {"S": "v"}}}),
    "s3": ("put_object", {"Bucket": "leadrelay-decisions", "Key": "k", "Body": b"{}"}),
    "secretsmanager": ("get_secret_value", {"SecretId": "leadrelay/salesforce"}),
    "sqs": ("get_queue_url", {"QueueName": "leadrelay-ingest"}),
    "ssm": ("get_parameter", {"Name": "leadrelay"}),
    "sts": ("get_caller_identity", {}),
}
sent = {}
for service in sys.argv[2].split(","):
    client = session.create_client(
        service, region_name="ap-northeast-1", aws_access_key_id="k", aws_secret_access_key="s"
    )
    method, params = calls[service]
    def capture(params, service=service, **kwargs):
        sent[service] = params["url"]
    client.meta.events.register_first("before-call.*.*", capture)
    with Stubber(client) as stubber:
        stubber.add_response(method, {}, params)
        getattr(client, method)(**params)
print(json.dumps({"botocore": botocore.__file__, "urls": urls, "shapes": shapes, "sent": sent}))
"""


@pytest.mark.slow  # copies botocore (about 30 MB)
def test_every_shipped_client_resolves_and_calls_the_same_endpoints_and_operations_with_the_slimmed_botocore(
    tmp_path: Path,
) -> None:
    installed = Path(botocore.__file__).parent
    shutil.copytree(installed, tmp_path / "botocore", ignore=shutil.ignore_patterns("__pycache__"))
    assert run(tmp_path).returncode == 0

    def endpoints(where: Path, how: str) -> dict[str, object]:
        services = ",".join(SHIPPED_SERVICES)
        probe = [sys.executable, "-c", ENDPOINT_PROBE, str(where), services, how, str(ROOT / "functions")]
        done = subprocess.run(probe, capture_output=True, text=True, check=False)  # noqa: S603 - fixed code
        assert done.returncode == 0, done.stderr[-2000:]  # a client that cannot call its service
        answer: dict[str, object] = json.loads(done.stdout)
        return answer

    slimmed, full = endpoints(tmp_path, "as deployed"), endpoints(installed.parent, "as botocore ships")
    assert str(slimmed["botocore"]).startswith(str(tmp_path))
    assert slimmed["urls"] == full["urls"]
    assert slimmed["shapes"] == full["shapes"]
    assert slimmed["sent"] == full["sent"]
    assert sorted(slimmed["sent"]) == sorted(SHIPPED_SERVICES)  # type: ignore[call-overload]


DOCUMENTED_MODEL = {
    "metadata": {"endpointPrefix": "dynamodb", "serviceId": "DynamoDB"},
    "documentation": "<p>Amazon DynamoDB is a fully managed NoSQL database service.</p>",
    "operations": {
        "PutItem": {
            "name": "PutItem",
            "input": {"shape": "PutItemInput"},
            "documentation": "<p>Creates a new item, or replaces an old item.</p>",
        }
    },
    "shapes": {
        "PutItemInput": {
            "type": "structure",
            "required": ["TableName"],
            "members": {
                "TableName": {"shape": "TableName", "documentation": "<p>The name of the table.</p>"},
                "documentation": {"shape": "TableName"},
            },
            "documentation": "<p>Represents the input of a <code>PutItem</code> operation.</p>",
        },
        "TableName": {"type": "string", "max": 1024, "min": 1},
    },
}


def test_the_kept_models_lose_their_documentation_and_their_examples(tmp_path: Path) -> None:
    data = botocore_data(tmp_path, SHIPPED_SERVICES)
    model = data / "dynamodb" / "2012-08-10" / "service-2.json.gz"
    model.write_bytes(gzip.compress(json.dumps(DOCUMENTED_MODEL).encode()))
    (model.parent / "examples-1.json").write_text('{"version": "1.0", "examples": {}}', encoding="utf-8")

    assert run(tmp_path).returncode == 0

    assert json.loads(model.with_suffix("").read_text(encoding="utf-8")) == {
        "metadata": {"endpointPrefix": "dynamodb", "serviceId": "DynamoDB"},
        "operations": {"PutItem": {"name": "PutItem", "input": {"shape": "PutItemInput"}}},
        "shapes": {
            "PutItemInput": {
                "type": "structure",
                "required": ["TableName"],
                "members": {"TableName": {"shape": "TableName"}, "documentation": {"shape": "TableName"}},
            },
            "TableName": {"type": "string", "max": 1024, "min": 1},
        },
    }
    assert not (model.parent / "examples-1.json").exists()


def test_every_kept_json_file_is_stored_plain_and_minified_for_botocore_to_read_first(tmp_path: Path) -> None:
    data = botocore_data(tmp_path, SHIPPED_SERVICES)
    rules = {"version": "1.0", "parameters": {"Region": {"type": "String", "documentation": "The region."}}}
    packed = data / "s3" / "2012-08-10" / "endpoint-rule-set-1.json.gz"
    packed.write_bytes(gzip.compress(json.dumps(rules, indent=4).encode()))

    assert run(tmp_path).returncode == 0

    assert not list(data.glob("*/*/*.json.gz"))
    plain = packed.with_suffix("").read_text(encoding="utf-8")
    assert plain == json.dumps(rules, separators=(",", ":"))  # an endpoint rule's documentation stays


def test_a_model_botocore_ships_uncompressed_loses_its_documentation_too(tmp_path: Path) -> None:
    data = botocore_data(tmp_path, SHIPPED_SERVICES)
    packed = data / "dynamodb" / "2012-08-10" / "service-2.json.gz"
    packed.unlink()
    (packed.parent / "service-2.json").write_text(json.dumps(DOCUMENTED_MODEL), encoding="utf-8")

    assert run(tmp_path).returncode == 0

    model = json.loads((packed.parent / "service-2.json").read_text(encoding="utf-8"))
    assert "documentation" not in model["operations"]["PutItem"]
    assert set(model["shapes"]["PutItemInput"]["members"]) == {"TableName", "documentation"}


def test_the_client_context_parameters_keep_their_documentation_botocore_reads_to_resolve_endpoints(
    tmp_path: Path,
) -> None:
    data = botocore_data(tmp_path, SHIPPED_SERVICES)
    model = data / "s3" / "2012-08-10" / "service-2.json.gz"
    parameters = {"ForcePathStyle": {"documentation": "Use path-style addressing.", "type": "boolean"}}
    s3 = {"metadata": {"endpointPrefix": "s3"}, "operations": {}, "clientContextParams": parameters}
    model.write_bytes(gzip.compress(json.dumps(s3).encode()))

    assert run(tmp_path).returncode == 0

    assert json.loads(model.with_suffix("").read_text(encoding="utf-8"))["clientContextParams"] == parameters


def test_a_directory_without_botocore_is_named_in_a_sentence(tmp_path: Path) -> None:
    done = run(tmp_path)

    assert done.returncode == 2
    expected = f"slim_botocore: {tmp_path}: no botocore/data (is botocore installed there?)"
    assert done.stderr.strip() == expected


def test_a_kept_service_missing_from_botocore_is_named_and_nothing_is_removed(tmp_path: Path) -> None:
    data = botocore_data(tmp_path, ("dynamodb", "ec2"))

    done = run(tmp_path)

    assert done.returncode == 2
    assert "no model for s3, secretsmanager, sqs, ssm, sts" in done.stderr
    assert (data / "ec2").is_dir()


def _services_named_in(source: Path) -> set[str]:
    tree = ast.parse(source.read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in CLIENT_FACTORIES
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


def test_the_services_the_functions_create_clients_for_are_exactly_the_called_ones() -> None:
    named = set().union(*map(_services_named_in, (ROOT / "functions" / "leadrelay").rglob("*.py")))

    assert named - set(CALLED_SERVICES) == set(), "clients of these services would find no model in Lambda"
    assert set(CALLED_SERVICES) - named == set(), "shipped, but no function creates a client for them"
