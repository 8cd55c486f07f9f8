"""``python -m bench.coldstart``: each function's cold start — a fresh process importing its handler and
serving its first event — with wall time and peak RSS.

What runs is what Lambda runs: the runtime dependencies of ``functions/requirements.txt`` installed once
into ``.tools/coldstart-<hash>`` (no dev tools on the path: the dev environment's ``awscrt`` alone adds
~200 ms to ``import boto3``) and the ``functions/`` package, in ``python -I -S`` (no site-packages, no
user paths), with ``AWS_LAMBDA_FUNCTION_NAME`` set as Lambda sets it (so the garbage collector is paused
until the first event is served: ``leadrelay/handlers/cold_start.py``). The event's I/O goes to stand-ins
this process starts: moto's server (SQS, DynamoDB, through ``AWS_ENDPOINT_URL``) and the local org over
HTTPS, logged in to with the JWT bearer flow a deployment uses by default (its RS256 signing key is parsed
in the cold start); the Salesforce credentials and the webhook secrets are read from Secrets Manager on
moto, as deployed. Each child reports the time to import the handler, to serve the event, its CPU time to
the answer (user + system, less sensitive to other processes than wall time; the least of the repeats) and
its own peak RSS (``VmHWM``); the cold start is the time from this process spawning it to the answer (a
Lambda environment does not exit after its first event). Two references in the same run: a bare
interpreter (``python -I -S -c pass``) and one that only imports ``boto3``, each timed like the functions,
from spawning to the end of its work (not to its exit, whose teardown of the imported modules no Lambda
environment pays before answering); each function's figure is also given as a multiple of the boto3
reference, which holds steadier than milliseconds on a loaded machine. Best of ``--repeats`` per function,
each repeat on a fresh event (``bench/coldstart/events.py``: the processor twice: a page view of a known
lead, and the heaviest first event, a new lead's form fill with a name in kanji (pykakasi's dictionary), a
phone number (phonenumbers) and a 名寄せ candidate to compare with (rapidfuzz: one unmeasured form fill of
the same person goes first); the last column says whether the first event loaded the dictionary; the SLA
monitor's scheduled pass, ``{}``, over the local org). ``--functions`` measures another checkout's
``functions/`` (``git archive`` a commit to compare); ``--against`` measures it interleaved with this one
(``bench/coldstart/compare.py``). Target (issue 15): at most 400 ms and 128 MB per function. Reports,
never asserts.

Bytecode as Lambda has it: ``/var/task`` is read-only, so nothing the function imports is compiled to
``.pyc`` there; the build (``functions/Makefile``) ships unchecked-hash bytecode instead. The children
run with ``-B`` (no bytecode written) over packages and a copy of ``functions/`` compiled the same way;
"no bytecode" runs each function again with no bytecode at all (``PYTHONPYCACHEPREFIX`` pointing at
an empty directory), which is what a sources-only artifact (SAM's default python builder) costs.

"Its deps alone" is the floor under a function's cold start: a bare interpreter importing, in order,
only the third-party modules the function had imported by the time it answered (no leadrelay module,
no event served), timed to its last import.
"""

from __future__ import annotations

import argparse
import json
import logging
import marshal
import os
import pstats
import sys
import tempfile
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import boto3
from leadrelay.adapters.salesforce.auth import AuthFlow
from leadrelay.regex_snapshot import PATTERN_LIST, read_pattern_list, write_pattern_list
from leadrelay_tools.localorg import LocalOrg
from leadrelay_tools.replay.environ import patched_environ
from leadrelay_tools.replay.local import (
    ACTIVITY_TABLE,
    IDEMPOTENCY_TABLE,
    ROUTING_TABLE,
    create_queues,
    create_tables,
    credentials_document,
)
from moto.server import ThreadedMotoServer

from bench.coldstart.children import (
    ROOT,
    TARGET_MB,
    TARGET_MS,
    bare,
    best_of,
    built_functions,
    free_port,
    importing,
    run_child,
    runtime_packages,
    sources_copy,
)
from bench.coldstart.compare import HEADER, comparison_row, interleaved
from bench.coldstart.events import (
    SECRET,
    processor_event,
    salesforce_event,
    sla_monitor_event,
    webhook_event,
)

LEGEND = (
    "its deps alone: a bare interpreter importing only the third-party modules the function had imported by "
    "its answer (no leadrelay code, no event) — the floor under its cold start.\n"
    "no bytecode: the same cold start with no .pyc to read, as from a sources-only artifact."
)


WEBHOOK_SECRET_NAME = "leadrelay/webhooks"  # noqa: S105 - names of secrets, not secrets
SALESFORCE_SECRET_NAME = "leadrelay/salesforce"  # noqa: S105
DECISION_LOG_BUCKET = "leadrelay-bench-decisions"


def store_secrets(org: LocalOrg) -> None:
    """The webhook secrets and the Salesforce credentials (the JWT bearer flow a deployment uses by
    default) in Secrets Manager on moto, where the functions read them as deployed."""
    client = boto3.client("secretsmanager")
    client.create_secret(Name=WEBHOOK_SECRET_NAME, SecretString=json.dumps({"generic": SECRET}))
    credentials = credentials_document(org, AuthFlow.JWT_BEARER)
    client.create_secret(Name=SALESFORCE_SECRET_NAME, SecretString=json.dumps(credentials))


Function = tuple[str, Callable[[], dict[str, Any]], dict[str, str]]
"""A function's handler module, its first event and its variables."""


def record_patterns(
    source: Path, work: Path, packages: Path, functions: dict[str, Function], common: dict[str, str]
) -> None:
    """Add the regular expressions each function compiles from its import to its first answer (on a
    build without a snapshot) to ``source``'s ``regex_patterns.json``."""
    (work / "unsnapshotted").mkdir()
    built = built_functions(source, work / "unsnapshotted", packages, regex_snapshot=False)
    paths = [str(packages), str(built)]
    listed = source / PATTERN_LIST
    patterns = set(read_pattern_list(listed)) if listed.is_file() else set()
    before = len(patterns)
    for index, (name, (module, event, env)) in enumerate(functions.items()):
        path, record = work / f"record-{index}.json", work / f"record-{index}.marshal"
        runs = []
        for _ in range(2):  # each child its own hash seed: a pattern joined from a set differs: left out
            path.write_text(json.dumps(event()), encoding="utf-8")
            run_child(paths, module, path, {**common, **env}, record=record)
            runs.append(set(marshal.loads(record.read_bytes())))  # noqa: S302 - our child's
        seen = runs[0] & runs[1]
        patterns.update(seen)
        unstable = len(runs[0] ^ runs[1])
        print(f"{name}: {len(seen)} regular expressions compiled by its answer ({unstable} unstable)")
    total = write_pattern_list(listed, patterns)
    print(f"{listed}: {total} regular expressions ({total - before} new)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.coldstart", description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--functions",
        type=Path,
        default=ROOT / "functions",
        help="the functions/ directory to measure (another checkout's, for a before/after comparison)",
    )
    parser.add_argument(
        "--against",
        type=Path,
        help="another functions/ directory to measure in interleaved pairs with this one (medians, ratio)",
    )
    parser.add_argument("--only", help="measure only the functions whose name starts with this")
    parser.add_argument(
        "--profile",
        type=int,
        metavar="N",
        help="also profile one cold start per function and print its N costliest calls (cumulative)",
    )
    parser.add_argument(
        "--record-patterns",
        action="store_true",
        help="instead of measuring, record the regular expressions each function compiles by its answer and "
        "add them to the functions' regex_patterns.json (what the build snapshots)",
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
            built = built_functions(args.functions.resolve(), work, packages)
            paths = [str(packages), str(built)]
            unbuilt = [str(packages), str(sources_copy(args.functions.resolve(), work))]
            against = None
            if args.against:
                (work / "against").mkdir()
                against = [
                    str(packages),
                    str(built_functions(args.against.resolve(), work / "against", packages)),
                ]
            no_bytecode = work / "no-bytecode"
            no_bytecode.mkdir()
            ingest_url, dlq_url = create_queues()
            create_tables()
            ingest_arn = boto3.client("sqs").get_queue_attributes(
                QueueUrl=ingest_url, AttributeNames=["QueueArn"]
            )["Attributes"]["QueueArn"]
            store_secrets(org)
            common = {
                **aws,
                "PATH": os.environ.get("PATH", ""),
                "LEADRELAY_RULES_PATH": str(ROOT / "rules"),
                "LEADRELAY_INGEST_QUEUE_URL": ingest_url,
                "POWERTOOLS_SERVICE_NAME": "leadrelay",
                "POWERTOOLS_METRICS_NAMESPACE": "LeadRelay",
                "LOG_LEVEL": "WARNING",
                "LEADRELAY_INTEGRATION_USER_ID": org.integration_user_id,
                "AWS_LAMBDA_FUNCTION_NAME": "leadrelay-bench",  # as Lambda sets it (handlers/cold_start.py)
                "PYDANTIC_DISABLE_PLUGINS": "__all__",  # as the template's Globals set it
            }
            boto3.client("s3").create_bucket(Bucket=DECISION_LOG_BUCKET)
            processor_env = {  # as template.yaml sets the processor's (and the SLA monitor's) variables
                "LEADRELAY_DECISION_LOG_BUCKET": DECISION_LOG_BUCKET,
                "LEADRELAY_NOTIFICATION_TYPE": "LeadRelay_Alert",
                "LEADRELAY_DLQ_URL": dlq_url,
                "LEADRELAY_ACTIVITY_TABLE": ACTIVITY_TABLE,
                "LEADRELAY_ROUTING_TABLE": ROUTING_TABLE,
                "LEADRELAY_SF_SECRET_ID": SALESFORCE_SECRET_NAME,
                "LEADRELAY_SF_CA_FILE": org.ca_file,
            }
            functions: dict[str, Function] = {
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
                        "LEADRELAY_WEBHOOK_SECRET_NAME": WEBHOOK_SECRET_NAME,
                    },
                ),
                "salesforce events": (
                    "leadrelay.handlers.salesforce_events",
                    salesforce_event,
                    {"LEADRELAY_IDEMPOTENCY_TABLE": IDEMPOTENCY_TABLE},
                ),
                "SLA monitor": ("leadrelay.handlers.sla_monitor", sla_monitor_event, processor_env),
            }
            seed = work / "seed.json"  # an earlier form fill of the same person, from another address
            seed.write_text(json.dumps(processor_event(ingest_arn, new_japanese_lead=True)), encoding="utf-8")
            run_child(paths, "leadrelay.handlers.processor", seed, {**common, **processor_env})
            if args.record_patterns:  # no measuring: no references either
                record_patterns(args.functions.resolve(), work, packages, functions, common)
                return 0
            interpreter = best_of(args.repeats, lambda: bare(common, "pass"))
            boto = best_of(args.repeats, lambda: bare(common, "import boto3"))
            print(f"reference: bare interpreter {interpreter:.0f} ms, with import boto3 {boto:.0f} ms")
            table = (
                f"{'function':<20}{'cold start':>12}{'import':>10}{'1st event':>11}{'CPU':>9}{'peak RSS':>10}"
                f"{'kana/kanji dict':>17}{'its deps alone':>16}{'no bytecode':>13}"
                f"  target ≤ {TARGET_MS:.0f} ms, ≤ {TARGET_MB:.0f} MB"
            )
            print(HEADER if against else table)
            for index, (name, (module, event, env)) in enumerate(functions.items()):
                if args.only and not name.startswith(args.only):
                    continue
                path = work / f"event-{index}.json"

                def fresh(event: Callable[[], dict[str, Any]] = event, path: Path = path) -> Path:
                    path.write_text(json.dumps(event()), encoding="utf-8")  # new keys, a fresh signature
                    return path

                if against:
                    environ = {**common, **env}
                    before, now = interleaved(  # both sides run within this iteration
                        args.repeats,
                        lambda: run_child(against, module, fresh(), environ),  # noqa: B023
                        lambda: run_child(paths, module, fresh(), environ),  # noqa: B023
                    )
                    print(comparison_row(name, before, now))
                    continue
                runs = [run_child(paths, module, fresh(), {**common, **env}) for _ in range(args.repeats)]
                best = min(runs, key=lambda r: r["wall_ms"])
                sources_only = min(
                    run_child(unbuilt, module, fresh(), {**common, **env}, no_bytecode)["wall_ms"]
                    for _ in range(args.repeats)
                )
                floor = importing(best["dependencies"], best["stand_ins"], built)
                dependencies = best_of(args.repeats, partial(bare, common, floor))
                cpu = min(r["cpu_ms"] for r in runs)
                verdict = "PASS" if best["wall_ms"] <= TARGET_MS and best["rss_mb"] <= TARGET_MB else "FAIL"
                print(
                    f"{name:<20}{best['wall_ms']:>9.0f} ms{best['import_ms']:>7.0f} ms"
                    f"{best['first_event_ms']:>8.0f} ms{cpu:>6.0f} ms{best['rss_mb']:>7.0f} MB"
                    f"{'loaded' if best.get('readings') else 'not loaded':>17}{dependencies:>13.0f} ms"
                    f"{sources_only:>10.0f} ms  {verdict}"
                    f"  ({best['wall_ms'] / boto:.2f}× the boto3 reference)"
                )
                if args.profile:
                    stats = ROOT / ".tools" / f"coldstart-profile-{index}.pstats"
                    run_child(paths, module, fresh(), {**common, **env}, profile=stats)
                    pstats.Stats(str(stats)).sort_stats("cumulative").print_stats(args.profile)
                    print(f"(statistics kept in {stats.relative_to(ROOT)})")
            if not against:
                print(LEGEND)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
