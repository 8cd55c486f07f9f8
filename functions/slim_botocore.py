"""``python slim_botocore.py ARTIFACT_DIR``: delete from an artifact's ``botocore/data`` the model of every
AWS service leadrelay does not call (``leadrelay/adapters/aws_services.py`` names the kept ones).

``endpoints.json`` (1.2 MB, parsed by every process's first client) keeps, in every partition, only
the kept services' entries (by their models' ``endpointPrefix``); the other shared files (partitions,
retry and default configuration) stay as they are.

The kept services' models lose their documentation (the ``documentation`` strings of operations,
shapes and members, and ``examples-1.json``): botocore reads it only to write docstrings (but for the
client context parameters', which it reads when resolving an endpoint: those are kept), and it is
three quarters of a model that every client parses (DynamoDB's 488 KB of JSON become 110 KB; its
client is created about 3 ms sooner). Every kept JSON file is stored plain and minified: a client
then neither decompresses nor skips indentation (S3's client: about 4 ms sooner).

A build step (``functions/Makefile``, and ``bench.coldstart`` for the artifact it measures), not shipped:
it runs with the build's Python before anything is installed, so it imports nothing of ours. Prints
what it kept and how much it removed; exits 2 naming the directory if it has no ``botocore/data`` or
if a kept service is missing there (a botocore that renamed it).
"""

from __future__ import annotations

import gzip
import json
import runpy
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

SERVICES_FILE = Path(__file__).resolve().parent / "leadrelay" / "adapters" / "aws_services.py"
NAMED = frozenset({"shapes", "members", "operations"})
"""Keys of a model whose values map names to definitions (a member may be named ``documentation``)."""
DOCUMENTED = frozenset({"clientContextParams"})
"""Keys of a model whose documentation botocore reads when it calls the service: resolving an S3
endpoint builds each client context parameter with ``param["documentation"]``, so theirs is kept."""


def shipped_services() -> tuple[str, ...]:
    """The service names ``aws_services.py`` keeps (read without importing the package)."""
    services: tuple[str, ...] = runpy.run_path(str(SERVICES_FILE))["SHIPPED_SERVICES"]
    return services


def slim(artifact: Path, keep: Iterable[str]) -> tuple[list[str], int]:
    """Remove every service directory of ``artifact/botocore/data`` not in ``keep``; the services
    removed and their bytes. ``FileNotFoundError`` names a missing data directory or kept service."""
    data = artifact / "botocore" / "data"
    if not data.is_dir():
        raise FileNotFoundError(f"{artifact}: no botocore/data (is botocore installed there?)")
    kept = set(keep)
    missing = sorted(service for service in kept if not (data / service).is_dir())
    if missing:
        raise FileNotFoundError(f"{data}: no model for {', '.join(missing)}")
    removed, size = [], 0
    for service in sorted(path for path in data.iterdir() if path.is_dir() and path.name not in kept):
        size += sum(path.stat().st_size for path in service.rglob("*") if path.is_file())
        shutil.rmtree(service)
        removed.append(service.name)
    size += trim_endpoints(data / "endpoints.json", {endpoint_prefix(data / service) for service in kept})
    size += sum(repack(data / service) for service in sorted(kept))
    return removed, size


def endpoint_prefix(service: Path) -> str:
    """The ``endpointPrefix`` of a service's newest model (the key ``endpoints.json`` files it under)."""
    newest = max(path for path in service.iterdir() if path.is_dir())
    model = newest / "service-2.json.gz"
    text = gzip.decompress(model.read_bytes()) if model.exists() else (newest / "service-2.json").read_bytes()
    prefix: str = json.loads(text)["metadata"]["endpointPrefix"]
    return prefix


def repack(service: Path) -> int:
    """Every version of a kept service: its model without documentation, every JSON file stored plain
    and minified (botocore reads ``x.json`` before ``x.json.gz``, so no client decompresses anything, and
    S3's endpoint rules shrink from 900 KB of indented JSON to 116 KB), ``examples-1.json`` deleted.
    The bytes saved (a plain file is larger than its gzip, so this may be negative)."""
    saved = 0
    for examples in service.glob("*/examples-1.json"):
        saved += examples.stat().st_size
        examples.unlink()
    for path in sorted((*service.glob("*/*.json.gz"), *service.glob("*/*.json"))):
        before = path.stat().st_size
        packed = path.suffix == ".gz"  # botocore ships its models gzipped since 1.32; older ones plain
        document = json.loads(gzip.decompress(path.read_bytes()) if packed else path.read_bytes())
        if path.name.startswith("service-2."):
            document = without_documentation(document)
        plain = path.with_suffix("") if packed else path
        plain.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")
        if packed:
            path.unlink()
        saved += before - plain.stat().st_size
    return saved


def without_documentation(node: Any, *, names: bool = False) -> Any:
    """A model without its ``documentation`` strings (but under :data:`DOCUMENTED` keys); in a mapping
    of names (``names``), every key is a name and is kept."""
    if isinstance(node, dict):
        return {
            key: value
            if not names and key in DOCUMENTED
            else without_documentation(value, names=not names and key in NAMED)
            for key, value in node.items()
            if names or not (key == "documentation" and isinstance(value, str))
        }
    if isinstance(node, list):
        return [without_documentation(value) for value in node]
    return node


def trim_endpoints(path: Path, prefixes: set[str]) -> int:
    """Keep only ``prefixes`` in every partition's services of ``endpoints.json``; the bytes saved."""
    before = path.stat().st_size
    endpoints = json.loads(path.read_text(encoding="utf-8"))
    for partition in endpoints["partitions"]:
        partition["services"] = {
            name: entry for name, entry in partition["services"].items() if name in prefixes
        }
    path.write_text(json.dumps(endpoints, separators=(",", ":")), encoding="utf-8")
    return before - path.stat().st_size


def main(argv: list[str]) -> int:
    """Command-line entry: one argument, the artifact directory."""
    if len(argv) != 1:
        print("usage: python slim_botocore.py ARTIFACT_DIR", file=sys.stderr)
        return 2
    keep = shipped_services()
    try:
        removed, size = slim(Path(argv[0]), keep)
    except FileNotFoundError as error:
        print(f"slim_botocore: {error}", file=sys.stderr)
        return 2
    print(
        f"botocore models kept (without documentation, plain and minified): {', '.join(keep)}; "
        f"{len(removed)} others removed ({size / 2**20:.1f} MB in all)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
