"""``python -m bench.coldstart``: each function's cold start — a fresh process importing its handler and
serving its first event — with wall time and peak RSS.

What runs is what Lambda runs: the runtime dependencies of ``functions/requirements.txt`` installed once
into ``.tools/coldstart-<hash>`` (no dev tools on the path: the dev environment's ``awscrt`` alone adds
~200 ms to ``import boto3``) and the ``functions/`` package, in ``python -I -S`` (no site-packages, no
user paths). The event's I/O goes to stand-ins this process starts: moto's server (SQS, DynamoDB,
through ``AWS_ENDPOINT_URL``) and the local org over HTTPS. Each child reports the time to import the
handler, to serve the event, its CPU time to the answer (user + system, less sensitive to other
processes than wall time; the least of the repeats) and its own peak RSS (``VmHWM``); the cold start
is the time from this process spawning it to the answer (a Lambda environment does not exit after
its first event). Two references in the same run: a bare interpreter (``python -I -S -c pass``) and
one that only imports ``boto3``; each function's figure is also given as a multiple of the boto3
reference, which holds steadier than milliseconds on a loaded machine. Best of ``--repeats`` per
function, each repeat on a fresh event (``bench/coldstart/events.py``: the processor twice, with and
without a name that loads pykakasi's kana/kanji dictionary; the last column says whether the first
event loaded it). ``--functions`` measures another checkout's ``functions/`` (``git archive`` a
commit to compare). Target (issue 15): at most 400 ms and 128 MB per function. Reports, never asserts.

Bytecode as Lambda has it: ``/var/task`` is read-only, so nothing the function imports is compiled to
``.pyc`` there; the build (``functions/Makefile``) ships unchecked-hash bytecode instead. The children
run with ``-B`` (no bytecode written) over packages and a copy of ``functions/`` compiled the same way;
"no bytecode" runs each function again with no bytecode at all (``PYTHONPYCACHEPREFIX`` pointing at
an empty directory), which is what a sources-only artifact (SAM's default python builder) costs.

"Its deps alone" is the floor under a function's cold start: a bare interpreter importing, in order,
only the third-party modules the function had imported by the time it answered (no leadrelay module,
no event served).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import boto3
from leadrelay_tools.localorg import LocalOrg
from leadrelay_tools.replay.environ import patched_environ
from leadrelay_tools.replay.local import (
    ACTIVITY_TABLE,
    IDEMPOTENCY_TABLE,
    ROUTING_TABLE,
    create_queues,
    create_tables,
    write_credentials,
)
from moto.server import ThreadedMotoServer

from bench.coldstart.events import SECRET, processor_event, salesforce_event, webhook_event

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "functions" / "requirements.txt"
TARGET_MS, TARGET_MB = 400.0, 128.0
CHILD = """
import json, sys, time
started = time.perf_counter()

def rss_mb():
    # VmHWM: this process's peak resident set since its exec (ru_maxrss would count the parent's fork)
    for line in open("/proc/self/status", encoding="ascii"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0

sys.path[:0] = {paths!r}
import importlib
module = importlib.import_module({module!r})
imported = time.perf_counter()

class Context:
    function_name = "leadrelay-bench"
    function_version = "1"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:leadrelay-bench"
    aws_request_id = "bench-1"
    def get_remaining_time_in_millis(self):
        return 60000

event = json.loads(open({event!r}, encoding="utf-8").read())
answer = module.handler(event, Context())
served = time.perf_counter()
sys.stdout.write("\\nBENCH " + json.dumps({{"import_ms": (imported - started) * 1000,
    "first_event_ms": (served - imported) * 1000, "answer": str(answer)[:200],
    "readings": "pykakasi" in sys.modules, "cpu_ms": time.process_time() * 1000,
    "dependencies": [name for name in list(sys.modules)
                     if name.partition(".")[0] not in sys.stdlib_module_names | {{"leadrelay", "__main__"}}],
    "rss_mb": rss_mb(), "served_at": time.time()}}) + "\\n")
"""


def runtime_packages() -> Path:
    """The functions' runtime dependencies in their own directory (installed once per requirements file)."""
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()[:12]
    target = ROOT / ".tools" / f"coldstart-{digest}"
    if not (target / ".complete").exists():
        print(f"installing functions/requirements.txt into {target} (once)…", file=sys.stderr)
        command = [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--target",
            str(target),
            "-r",
            str(REQUIREMENTS),
        ]
        subprocess.run(command, check=True)  # noqa: S603 - our own interpreter and requirements
        (target / ".complete").touch()
    if not (target / ".compiled-unchecked-hash").exists():
        compile_unchecked(target)
        (target / ".compiled-unchecked-hash").touch()
    return target


def compile_unchecked(directory: Path) -> None:
    """Compile ``directory``'s modules as the build does: unchecked-hash ``.pyc`` (PEP 552)."""
    command = [sys.executable, "-m", "compileall", "-q", "-f", "-j", "0"]
    command += ["--invalidation-mode", "unchecked-hash", str(directory)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 - our own interpreter


def built_functions(source: Path, scratch: Path) -> Path:
    """A copy of ``functions/`` without its development bytecode, compiled as the build compiles it."""
    target = scratch / "functions"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "Makefile"))
    compile_unchecked(target)
    return target


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_child(
    paths: Sequence[str], module: str, event: Path, env: Mapping[str, str], no_bytecode: Path | None = None
) -> dict[str, Any]:
    """One fresh process on read-only code (``-B``): its whole wall time, peak RSS, and its own import and
    first-event times; with ``no_bytecode`` (an empty directory), it finds no ``.pyc`` at all."""
    code = CHILD.format(paths=list(paths), module=module, event=str(event))
    spawned = time.time()
    command = [sys.executable, "-I", "-S", "-B", "-c", code]
    if no_bytecode is not None:  # -I ignores PYTHON* variables; -X pycache_prefix is its flag form
        command[1:1] = ["-X", f"pycache_prefix={no_bytecode}"]
    done = subprocess.run(command, env=dict(env), capture_output=True, text=True, check=False)  # noqa: S603
    report = next((line for line in done.stdout.splitlines() if line.startswith("BENCH ")), None)
    if done.returncode != 0 or report is None:
        raise SystemExit(f"{module} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    figures = json.loads(report[len("BENCH ") :])
    figures["wall_ms"] = (figures.pop("served_at") - spawned) * 1000  # to the answer, not the exit
    if "batchItemFailures': [{" in str(figures["answer"]):
        raise SystemExit(f"{module} did not apply its first event: {figures['answer']}")
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.coldstart", description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--functions",
        type=Path,
        default=ROOT / "functions",
        help="the functions/ directory to measure (another checkout's, for a before/after comparison)",
    )
    args = parser.parse_args(argv)
    packages = runtime_packages()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    aws = {
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    try:
        with (
            patched_environ(aws),
            LocalOrg() as org,
            tempfile.TemporaryDirectory(prefix="bench-cold-") as scratch,
        ):
            work = Path(scratch)
            paths = [str(packages), str(built_functions(args.functions.resolve(), work))]
            no_bytecode = work / "no-bytecode"
            no_bytecode.mkdir()
            ingest_url, dlq_url = create_queues()
            create_tables()
            ingest_arn = boto3.client("sqs").get_queue_attributes(
                QueueUrl=ingest_url, AttributeNames=["QueueArn"]
            )["Attributes"]["QueueArn"]
            secrets = work / "secrets.json"
            secrets.write_text(json.dumps({"leadrelay/webhooks": {"generic": SECRET}}), encoding="utf-8")
            common = {
                **aws,
                "PATH": os.environ.get("PATH", ""),
                "LEADRELAY_RULES_PATH": str(ROOT / "rules"),
                "LEADRELAY_INGEST_QUEUE_URL": ingest_url,
                "POWERTOOLS_SERVICE_NAME": "leadrelay",
                "POWERTOOLS_METRICS_NAMESPACE": "LeadRelay",
                "LOG_LEVEL": "WARNING",
                "LEADRELAY_INTEGRATION_USER_ID": org.integration_user_id,
            }
            processor_env = {
                "LEADRELAY_DLQ_URL": dlq_url,
                "LEADRELAY_ACTIVITY_TABLE": ACTIVITY_TABLE,
                "LEADRELAY_ROUTING_TABLE": ROUTING_TABLE,
                "LEADRELAY_SF_CREDENTIALS_FILE": str(write_credentials(org, work)),
                "LEADRELAY_SF_CA_FILE": org.ca_file,
            }
            functions: dict[str, tuple[str, Callable[[], dict[str, Any]], dict[str, str]]] = {
                "processor": (
                    "leadrelay.handlers.processor",
                    lambda: processor_event(ingest_arn),
                    processor_env,
                ),
                "processor, new 山田": (
                    "leadrelay.handlers.processor",
                    lambda: processor_event(ingest_arn, new_japanese_lead=True),
                    processor_env,
                ),
                "webhook": (
                    "leadrelay.handlers.webhook",
                    webhook_event,
                    {
                        "LEADRELAY_IDEMPOTENCY_TABLE": IDEMPOTENCY_TABLE,
                        "LEADRELAY_SECRETS_FILE": str(secrets),
                        "LEADRELAY_WEBHOOK_SECRET_NAME": "leadrelay/webhooks",
                    },
                ),
                "salesforce events": (
                    "leadrelay.handlers.salesforce_events",
                    salesforce_event,
                    {"LEADRELAY_IDEMPOTENCY_TABLE": IDEMPOTENCY_TABLE},
                ),
            }
            bare = _best(args.repeats, lambda: _bare(common, "pass"))
            boto = _best(args.repeats, lambda: _bare(common, "import boto3"))
            print(f"reference: bare interpreter {bare:.0f} ms, interpreter + import boto3 {boto:.0f} ms")
            print(
                f"{'function':<20}{'cold start':>12}{'import':>10}{'1st event':>11}{'CPU':>9}{'peak RSS':>10}"
                f"{'kana/kanji dict':>17}{'its deps alone':>16}{'no bytecode':>13}"
                f"  target ≤ {TARGET_MS:.0f} ms, ≤ {TARGET_MB:.0f} MB"
            )
            for index, (name, (module, event, env)) in enumerate(functions.items()):
                path = work / f"event-{index}.json"

                def fresh(event: Callable[[], dict[str, Any]] = event, path: Path = path) -> Path:
                    path.write_text(json.dumps(event()), encoding="utf-8")  # new keys, a fresh signature
                    return path

                runs = [run_child(paths, module, fresh(), {**common, **env}) for _ in range(args.repeats)]
                best = min(runs, key=lambda r: r["wall_ms"])
                sources_only = min(
                    run_child(paths, module, fresh(), {**common, **env}, no_bytecode)["wall_ms"]
                    for _ in range(args.repeats)
                )
                imports = _importing(best["dependencies"])
                dependencies = _best(args.repeats, lambda code=imports: _bare(common, code))
                cpu = min(r["cpu_ms"] for r in runs)
                verdict = "PASS" if best["wall_ms"] <= TARGET_MS and best["rss_mb"] <= TARGET_MB else "FAIL"
                print(
                    f"{name:<20}{best['wall_ms']:>9.0f} ms{best['import_ms']:>7.0f} ms"
                    f"{best['first_event_ms']:>8.0f} ms{cpu:>6.0f} ms{best['rss_mb']:>7.0f} MB"
                    f"{'loaded' if best.get('readings') else 'not loaded':>17}{dependencies:>13.0f} ms"
                    f"{sources_only:>10.0f} ms  {verdict}"
                    f"  ({best['wall_ms'] / boto:.2f}× the boto3 reference)"
                )
            print(
                "its deps alone: a bare interpreter importing only the third-party modules the function had "
                "imported by its answer (no leadrelay code, no event) — the floor under its cold start.\n"
                "no bytecode: the same cold start with no .pyc to read, as from a sources-only artifact."
            )
    finally:
        server.stop()
    return 0


def _importing(modules: Sequence[str]) -> str:
    """Code importing ``modules`` in order (a module that only imports as part of its parent is skipped)."""
    return (
        "import importlib\n"
        f"for name in {list(modules)!r}:\n"
        "    try:\n        importlib.import_module(name)\n"
        "    except Exception:\n        pass"
    )


def _bare(env: Mapping[str, str], code: str) -> float:
    started = time.perf_counter()
    command = [
        sys.executable,
        "-I",
        "-S",
        "-B",
        "-c",
        f"import sys; sys.path[:0] = {[str(runtime_packages())]!r}\n{code}",
    ]
    subprocess.run(command, env=dict(env), check=True)  # noqa: S603
    return (time.perf_counter() - started) * 1000


def _best(repeats: int, measure: Any) -> float:
    return min(measure() for _ in range(repeats))


if __name__ == "__main__":
    sys.exit(main())
