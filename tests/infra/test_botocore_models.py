"""The build keeps only the botocore models of the AWS services leadrelay calls (cold start, issue 15).

``functions/slim_botocore.py`` runs in ``functions/Makefile`` after the dependencies are installed; it
reads the kept services from ``leadrelay/adapters/aws_services.py``. Here: it keeps exactly those on a
botocore data directory, refuses a directory it cannot use with a sentence, and every service the
functions' code creates a client for is one it keeps.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

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
    data = artifact / "botocore" / "data"
    for service in services:
        (data / service / "2012-08-10").mkdir(parents=True)
        (data / service / "2012-08-10" / "service-2.json.gz").write_bytes(b"model" * 100)
    for name in SHARED_FILES:
        (data / name).write_text("{}", encoding="utf-8")
    return data


def test_only_the_shipped_services_and_the_shared_files_are_kept(tmp_path: Path) -> None:
    data = botocore_data(tmp_path, (*SHIPPED_SERVICES, "ec2", "sagemaker", "events"))

    done = run(tmp_path)

    assert done.returncode == 0, done.stderr
    assert sorted(path.name for path in data.iterdir() if path.is_dir()) == sorted(SHIPPED_SERVICES)
    assert all((data / name).is_file() for name in SHARED_FILES)
    assert "3 others removed" in done.stdout


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
