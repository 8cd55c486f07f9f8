"""One `leadrelay dlq` pass: the queue from options and environment, the filters, a stopped pass explained."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path

from leadrelay.adapters.dead_letter_reading import StoredDeadLetter
from leadrelay.adapters.dead_letters import DeadLetterQueue, DeadLetterScan
from leadrelay.domain.deadletter import DEFAULT_OPERATIONS, OperationsConfig
from leadrelay.settings import Settings
from pydantic import ValidationError

from leadrelay_tools.cli.failures import region_from_queue_url


def open_queue(args: argparse.Namespace) -> DeadLetterQueue:
    """The dead-letter queue the options and ``LEADRELAY_*`` variables name."""
    import boto3  # the CLI's other commands need no AWS SDK

    settings = Settings.from_env()
    queue_url = args.queue_url or settings.dlq_url
    if not queue_url:
        raise SystemExit("leadrelay dlq: no queue URL (pass --queue-url or set LEADRELAY_DLQ_URL)")
    return DeadLetterQueue(
        boto3.client("sqs", region_name=args.region or region_from_queue_url(queue_url)),
        queue_url,
        source_queue_url=args.source_queue_url or settings.ingest_queue_url,
        operations=_operations(args.operations, settings.rules_path / "operations.json"),
        visibility_timeout=args.visibility_timeout,
        wait_seconds=args.wait_seconds,
        max_held=args.max_in_flight,
    )


def _operations(explicit: Path | None, default: Path) -> OperationsConfig:
    path = explicit or default
    if explicit is None and not path.is_file():
        return DEFAULT_OPERATIONS
    try:
        return OperationsConfig.model_validate_json(path.read_bytes())
    except (OSError, ValidationError) as error:
        raise SystemExit(f"leadrelay dlq: cannot read {path}: {error}") from error


def selected(
    messages: Sequence[StoredDeadLetter], args: argparse.Namespace, now: datetime
) -> list[StoredDeadLetter]:
    """The messages the filter options choose."""
    codes = {code.upper() for code in args.error_code or ()}
    owners = set(args.owner or ())
    return [
        m
        for m in messages
        if (not codes or m.letter.error.status_code.upper() in codes)
        and (not owners or m.letter.owner in owners)
        and (args.older_than is None or m.letter.age(now) > args.older_than)
        and (args.newer_than is None or m.letter.age(now) <= args.newer_than)
    ]


def chosen_pages(
    scan: DeadLetterScan, args: argparse.Namespace, now: datetime
) -> Iterator[list[StoredDeadLetter]]:
    """The chosen messages of each page of the pass."""
    for page in scan.pages():
        yield selected(page, args, now)


def warn_if_stopped(args: argparse.Namespace, queue: DeadLetterQueue, scan: DeadLetterScan) -> None:
    """Say on stderr how far a pass that stopped early got, and what to do."""
    if scan.stopped is None:
        return
    print(
        f"leadrelay dlq {args.dlq_command}: stopped after reading {scan.read:,} of about "
        f"{queue.approximate_count():,} dead letters: {scan.stopped}. Narrow the pass with --error-code, "
        "--owner or --older-than, or shrink the queue with redrive, purge or export --delete.",
        file=sys.stderr,
    )
