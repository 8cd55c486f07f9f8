"""``leadrelay replay FILE``: send raw inbound deliveries through the functions' own code, print each outcome.

The file is JSON Lines of webhook requests and Salesforce Event Relay envelopes
(:mod:`leadrelay_tools.replay.lines`). ``--org local`` (default) runs everything in this process against
moto and the local org; ``--org config`` uses the environment the functions read (``LEADRELAY_*``:
the real org's credentials, the stack's tables and dead-letter queue), for backfills after an
outage or a rule change. Each applied event's row says what it wrote; ``--dry-run`` plans without
writing. docs/replay.md explains both.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from leadrelay_tools.cli.failures import region_from_queue_url
from leadrelay_tools.cli.output import ProgressBar, print_json, print_table
from leadrelay_tools.replay.environ import patched_environ, quiet_functions
from leadrelay_tools.replay.lines import Line
from leadrelay_tools.replay.verdicts import FAILURES

COLUMNS = ("line", "source", "event", "outcome", "reason", "changes")


def register(subparsers: Any) -> None:
    """Add the `replay` command."""
    parser = subparsers.add_parser(
        "replay",
        help="replay raw webhook requests and Event Relay events (JSONL) through ingress and the processor",
        description="Send each line of FILE (a captured webhook request or a Salesforce Event Relay "
        "envelope, docs/replay.md) through exactly the parsing, verification and pipeline the Lambda "
        "functions run, and print what became of every event: applied, dropped (own change, gap, "
        "filtered), duplicate, rejected (with the reason) or dead-lettered (with the reason).",
    )
    parser.add_argument("file", type=Path, help="JSON Lines of webhook requests and Event Relay envelopes")
    parser.add_argument(
        "--org",
        choices=("local", "config"),
        default="local",
        help="local: moto + a local org started in-process (default); config: the environment's "
        "LEADRELAY_* settings (real org, the stack's tables and dead-letter queue)",
    )
    parser.add_argument("--rules", type=Path, default=None, help="rules directory (local default: rules)")
    parser.add_argument(
        "--secrets", type=Path, default=None, help="local: JSON file of secrets by name (webhook secrets)"
    )
    parser.add_argument(
        "--seed", type=Path, default=None, help='local: records to create first, {"Lead": [{...}], ...}'
    )
    parser.add_argument(
        "--no-dedupe",
        action="store_true",
        help="process events even if ingress accepted them before (backfill after a rule change)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="evaluate and plan every event but write nothing (no Salesforce writes, no activities, no "
        "dead letters, no idempotency records); reads still go to the org, a real one with --org config",
    )
    parser.add_argument("--batch-size", type=int, default=200, help="events per pipeline run (default 200)")
    parser.add_argument("--verbose", action="store_true", help="show the functions' log lines (on stderr)")
    parser.add_argument("--json", action="store_true", help="print the outcomes as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Replay ``args.file``; exit 0 when nothing was rejected, dead-lettered or failed, else 1."""
    if not args.file.is_file():
        print(f"leadrelay replay: {args.file}: no such file", file=sys.stderr)
        return 2
    if args.batch_size < 1:
        print("leadrelay replay: --batch-size must be at least 1", file=sys.stderr)
        return 2
    try:
        from leadrelay_tools.replay.local import read_seed  # loads boto3: only when replaying

        seed = read_seed(args.seed) if args.seed else None
        with quiet_functions(args.verbose), _settings(args, seed) as settings:
            from leadrelay_tools.replay.lines import read_lines
            from leadrelay_tools.replay.runner import Replayer

            replayer = Replayer(
                settings, dedupe=not args.no_dedupe, batch_size=args.batch_size, dry_run=args.dry_run
            )
            bar = ProgressBar("replaying", _count_lines(args.file))
            try:
                rows = replayer.replay(_counted(read_lines(args.file), bar))
            finally:
                bar.close()
    except (OSError, ValueError, RuntimeError) as exc:
        print(f"leadrelay replay: {exc}", file=sys.stderr)
        return 2
    counts = Counter(row.outcome.value for row in rows)
    if args.json:
        payload = {"events": [row.to_dict() for row in rows], "counts": dict(counts)}
        print_json({**payload, "dry_run": args.dry_run})
    else:
        print_table([row.to_dict() for row in rows], COLUMNS, max_width=90)
        print(", ".join(f"{name}: {count}" for name, count in sorted(counts.items())) or "no events")
        if args.dry_run:
            print("dry run: the changes above were planned, nothing was written")
        for row in (row for row in rows if row.outcome in FAILURES):
            print(f"line {row.line} {row.outcome.value}: {row.reason}")
    return 1 if any(row.outcome in FAILURES for row in rows) else 0


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for text in handle if text.strip())


def _counted(lines: Iterator[Line], bar: ProgressBar) -> Iterator[Line]:
    for done, line in enumerate(lines, start=1):
        yield line
        bar.update(done)


@contextlib.contextmanager
def _settings(args: argparse.Namespace, seed: dict[str, list[dict[str, Any]]] | None) -> Iterator[Any]:
    from leadrelay.settings import Settings

    if args.org == "config":
        settings = Settings.from_env()
        if args.rules:
            settings = settings.model_copy(update={"rules_path": args.rules})
        region = region_from_queue_url(settings.ingest_queue_url or settings.dlq_url)
        needs_region = region and not (os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"))
        with patched_environ({"AWS_DEFAULT_REGION": region} if needs_region and region else {}):
            yield settings
        return
    from leadrelay_tools.replay.local import local_environment

    with local_environment(
        rules_path=args.rules or Path("rules"), secrets_file=args.secrets, seed=seed
    ) as env:
        for note in env.notes:
            print(f"leadrelay replay: {note}", file=sys.stderr)
        yield env.settings
