"""``python -m bench.coldstart.botocore_models``: what keeping only leadrelay's botocore models saves a
cold start.

A fresh interpreter (``-I -S -B``, the runtime packages of ``bench.coldstart``) imports boto3 and
creates the SQS client and then the DynamoDB client — the webhook's first event — alternately on
botocore with every service model (as pip installs it, the reference), on botocore as the build
ships it (``functions/slim_botocore.py``) and on that botocore with its kept models' documentation
put back (what the build shipped before it stripped it). ``--pairs`` alternations; prints the median
time to create each client and the ratios. The first client of a process lists every model
directory botocore has, so that is where the difference is. ``--cold-cache`` drops the kernel's page
cache before every interpreter (root only), as on a fresh Lambda environment whose code has not been
read yet: listing 445 model directories then reads them from disk. Reports, never asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.coldstart.children import ROOT, compile_unchecked, runtime_packages

CHILD = """
import sys, time, json
sys.path[:0] = {paths!r}
import boto3
started = time.perf_counter()
boto3.client("sqs")
first = time.perf_counter()
boto3.client("dynamodb")
second = time.perf_counter()
print(json.dumps({{"first_ms": (first - started) * 1000, "second_ms": (second - first) * 1000}}))
"""
ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "ap-northeast-1",
    "PATH": os.environ.get("PATH", ""),
}


def every_model(runtime: Path) -> Path:
    """botocore, the runtime's version, with every service model (installed once, beside the runtime)."""
    dist_info = next(runtime.glob("botocore-*.dist-info")).name
    version = dist_info.removeprefix("botocore-").removesuffix(".dist-info")
    target = ROOT / ".tools" / f"botocore-{version}-every-model"
    if not (target / ".complete").exists():
        print(f"installing botocore {version} with every model into {target} (once)…", file=sys.stderr)
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target)]
        subprocess.run([*command, f"botocore=={version}"], check=True)  # noqa: S603 - our interpreter
        compile_unchecked(target)
        (target / ".complete").touch()
    return target


DROP_CACHES = Path("/proc/sys/vm/drop_caches")


def documented(runtime: Path, full: Path) -> Path:
    """The runtime's botocore (as built) with its kept services' models as pip installs them, with
    their documentation (made once, beside the runtime)."""
    target = runtime.with_name(runtime.name + "-documented")
    if not (target / ".complete").exists():
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(runtime / "botocore", target / "botocore")
        for service in (path for path in (target / "botocore" / "data").iterdir() if path.is_dir()):
            shutil.rmtree(service)
            shutil.copytree(full / "botocore" / "data" / service.name, service)
        compile_unchecked(target)
        (target / ".complete").touch()
    return target


def drop_page_cache() -> None:
    """Write back and drop the page cache, so the next interpreter reads its files from disk."""
    os.sync()
    DROP_CACHES.write_text("3\n", encoding="ascii")


def service_count(packages: Path) -> int:
    """How many service models the botocore in ``packages`` holds."""
    return sum(1 for path in (packages / "botocore" / "data").iterdir() if path.is_dir())


def client_times(paths: Sequence[Path], *, cold_cache: bool = False) -> dict[str, float]:
    """One fresh interpreter's time to create its first and second client."""
    if cold_cache:
        drop_page_cache()
    code = CHILD.format(paths=[str(path) for path in paths])
    command = [sys.executable, "-I", "-S", "-B", "-c", code]
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=ENVIRONMENT)  # noqa: S603
    times: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return times


def main(argv: Sequence[str] | None = None) -> int:
    """Alternate the three botocores ``--pairs`` times; print the medians and the ratios."""
    parser = argparse.ArgumentParser(prog="python -m bench.coldstart.botocore_models")
    parser.add_argument("--pairs", type=int, default=15)
    parser.add_argument("--cold-cache", action="store_true", help="drop the page cache before each (root)")
    args = parser.parse_args(argv)
    if args.cold_cache and not os.access(DROP_CACHES, os.W_OK):
        problem = f"--cold-cache drops the page cache through {DROP_CACHES}: this user cannot write it"
        print(problem, file=sys.stderr)
        return 2
    runtime = runtime_packages()
    full = every_model(runtime)
    variants = {
        f"every model ({service_count(full)} services)": [full, runtime],
        f"as built, documented ({service_count(runtime)})": [documented(runtime, full), runtime],
        f"as built ({service_count(runtime)} services)": [runtime],
    }
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in variants}
    for _ in range(args.pairs):
        for name, paths in variants.items():
            runs[name].append(client_times(paths, cold_cache=args.cold_cache))
    medians = {
        name: {key: statistics.median(run[key] for run in found) for key in ("first_ms", "second_ms")}
        for name, found in runs.items()
    }
    reference, with_documentation, built = medians.values()
    cache = "page cache dropped before each" if args.cold_cache else "page cache warm"
    print(f"botocore models, median of {args.pairs} fresh interpreters each (alternating; {cache})")
    print(f"{'':32}{'SQS (first client)':>20}{'DynamoDB (second)':>20}")
    for name, median in medians.items():
        print(f"{name:32}{median['first_ms']:>17.1f} ms{median['second_ms']:>17.1f} ms")
    for label, before in (("every model", reference), ("documented", with_documentation)):
        print(
            f"as built / {label}: {built['first_ms'] / before['first_ms']:.2f}× the first client, "
            f"{built['second_ms'] / before['second_ms']:.2f}× the second"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
