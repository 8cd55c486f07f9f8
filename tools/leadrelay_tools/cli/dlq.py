"""`leadrelay dlq`: inspect, redrive, purge and export the dead-letter queue (docs/dead-letters.md).

Every sub-command reads the whole queue under a visibility timeout and releases what it did not
delete, so looking never loses a message. Queue URLs come from ``--queue-url``/``--source-queue-url``
or ``LEADRELAY_DLQ_URL``/``LEADRELAY_INGEST_QUEUE_URL``; owners from ``rules/operations.json``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from leadrelay.adapters.dead_letters import DeadLetterQueue, StoredDeadLetter
from leadrelay.domain.deadletter import DEFAULT_OPERATIONS, OperationsConfig
from leadrelay.ingress.masking import mask_pii
from leadrelay.settings import Settings
from pydantic import ValidationError

from leadrelay_tools.cli.output import print_json, print_table, write_own_controls

_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
COLUMNS = ("id", "age", "record", "error", "message", "attempts", "owner")


def parse_duration(text: str) -> timedelta:
    """``30m``, ``6h``, ``2d``, ``1w``, ``45s`` → a timedelta (argparse type)."""
    match = _DURATION.match(text)
    if match is None:
        raise argparse.ArgumentTypeError(f"invalid duration {text!r} (use e.g. 30m, 6h, 2d)")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def format_age(age: timedelta) -> str:
    """``2d3h``, ``4h12m``, ``35m``, ``12s``: the two largest units."""
    seconds = max(int(age.total_seconds()), 0)
    parts = [(seconds // 86400, "d"), (seconds % 86400 // 3600, "h"), (seconds % 3600 // 60, "m")]
    shown = [f"{value}{unit}" for value, unit in parts if value][:2]
    return "".join(shown) or f"{seconds}s"


def register(subparsers: Any) -> None:
    """Add the `dlq` command and its sub-commands."""
    parser = subparsers.add_parser(
        "dlq",
        help="inspect, redrive, purge and export dead letters",
        description="Work with the dead-letter queue: every failed event waits there with its reason.",
    )
    commands = parser.add_subparsers(dest="dlq_command", metavar="SUBCOMMAND", required=True)
    common = _common_options()
    filters = _filter_options()

    listing = commands.add_parser("list", parents=[common, filters], help="a table of dead letters")
    listing.set_defaults(func=_list)

    show = commands.add_parser("show", parents=[common], help="one dead letter in full")
    show.add_argument("id", metavar="ID", help="dead-letter id, SQS message id or event idempotency key")
    show.set_defaults(func=_show)

    redrive = commands.add_parser(
        "redrive", parents=[common, filters], help="send original events back to the source queue"
    )
    redrive.add_argument("--dry-run", action="store_true", help="show what would be redriven; change nothing")
    redrive.set_defaults(func=_redrive)

    purge = commands.add_parser("purge", parents=[common, filters], help="delete old dead letters")
    purge.add_argument("--yes", action="store_true", help="really delete (required)")
    purge.set_defaults(func=_purge)

    export = commands.add_parser(
        "export", parents=[common, filters], help="write dead letters to a JSONL file"
    )
    export.add_argument("file", metavar="FILE", help="output file ('-' for stdout)")
    export.set_defaults(func=_export)


def _common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--queue-url", help="dead-letter queue URL (default: $LEADRELAY_DLQ_URL)")
    common.add_argument(
        "--source-queue-url",
        help="queue to redrive to (default: $LEADRELAY_INGEST_QUEUE_URL, else the envelope's)",
    )
    common.add_argument("--region", help="AWS region (default: the SDK's)")
    common.add_argument(
        "--operations",
        type=Path,
        help="owners for messages the redrive policy moved (default: rules/operations.json)",
    )
    common.add_argument("--visibility-timeout", type=int, default=300, help="seconds messages stay held")
    common.add_argument("--wait-seconds", type=int, default=1, help="long poll confirming the queue is read")
    common.add_argument("--json", action="store_true", help="machine-readable output")
    return common


def _filter_options() -> argparse.ArgumentParser:
    filters = argparse.ArgumentParser(add_help=False)
    filters.add_argument("--error-code", action="append", help="only this error code (repeatable)")
    filters.add_argument("--owner", action="append", help="only this owner (repeatable)")
    filters.add_argument("--older-than", type=parse_duration, metavar="DURATION", help="e.g. 2d")
    filters.add_argument("--newer-than", type=parse_duration, metavar="DURATION", help="e.g. 6h")
    return filters


def _queue(args: argparse.Namespace) -> DeadLetterQueue:
    import boto3  # the CLI's other commands need no AWS SDK

    settings = Settings.from_env()
    queue_url = args.queue_url or settings.dlq_url
    if not queue_url:
        raise SystemExit("leadrelay dlq: no queue URL (pass --queue-url or set LEADRELAY_DLQ_URL)")
    return DeadLetterQueue(
        boto3.client("sqs", region_name=args.region),
        queue_url,
        source_queue_url=args.source_queue_url or settings.ingest_queue_url,
        operations=_operations(args.operations, settings.rules_path / "operations.json"),
        visibility_timeout=args.visibility_timeout,
        wait_seconds=args.wait_seconds,
    )


def _operations(explicit: Path | None, default: Path) -> OperationsConfig:
    path = explicit or default
    if explicit is None and not path.is_file():
        return DEFAULT_OPERATIONS
    try:
        return OperationsConfig.model_validate_json(path.read_bytes())
    except (OSError, ValidationError) as error:
        raise SystemExit(f"leadrelay dlq: cannot read {path}: {error}") from error


def _selected(
    messages: Sequence[StoredDeadLetter], args: argparse.Namespace, now: datetime
) -> list[StoredDeadLetter]:
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


def _row(message: StoredDeadLetter, now: datetime) -> dict[str, Any]:
    letter = message.letter
    return {
        "id": letter.id,
        "message_id": message.message_id,
        "age": format_age(letter.age(now)),
        "age_seconds": int(letter.age(now).total_seconds()),
        "record": mask_pii(letter.record or ""),
        "error": letter.error.status_code,
        "message": mask_pii(letter.error.message),
        "attempts": letter.attempts,
        "owner": letter.owner,
        "category": letter.category.value,
        "origin": letter.origin,
    }


def _list(args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    rows = [_row(m, now) for m in _selected(_queue(args).peek(), args, now)]
    if args.json:
        print_json(rows)
    else:
        print_table(rows, COLUMNS)
        print(f"{len(rows)} dead letter(s)")
    return 0


def _show(args: argparse.Namespace) -> int:
    wanted = args.id
    for m in _queue(args).peek():
        event_key = m.letter.event.idempotency_key if m.letter.event else None
        if wanted in (m.letter.id, m.message_id, event_key):
            detail = {
                "message_id": m.message_id,
                "sent_at": m.sent_at,
                "receive_count": m.receive_count,
                "envelope": m.letter.model_dump(mode="json"),
            }
            if not args.json:
                summary = _row(m, datetime.now(UTC))
                for name in ("id", "age", "error", "owner", "category", "origin"):
                    print(f"{name:9} {summary[name]}")
                print(f"{'message':9} {m.letter.error.message}")
            print_json(detail)
            return 0
    print(f"leadrelay dlq show: no dead letter {wanted!r}", file=sys.stderr)
    return 1


def _redrive(args: argparse.Namespace) -> int:
    queue = _queue(args)
    now = datetime.now(UTC)
    with queue.hold() as held:
        chosen = _selected(held, args, now)
        if args.dry_run:
            rows = [_row(m, now) for m in chosen]
            _report(args, {"dry_run": True, "would_redrive": len(rows), "messages": rows}, rows)
            return 0
        bar = _Progress("redriving", len(chosen))
        report = queue.redrive(chosen, progress=bar.update)
        bar.close()
    summary = {
        "redriven": len(report.redriven),
        "failed": report.failed,
        "sent_not_deleted": report.not_deleted,
    }
    _report(args, summary, None)
    return 1 if report.failed or report.not_deleted else 0


def _report(args: argparse.Namespace, summary: dict[str, Any], rows: list[dict[str, Any]] | None) -> None:
    if args.json:
        print_json(summary)
        return
    if rows is not None:
        print_table(rows, COLUMNS)
        print(f"dry run: would redrive {len(rows)} dead letter(s); nothing changed")
        return
    print(f"redriven: {summary['redriven']}")
    for name in ("failed", "sent_not_deleted"):
        for message_id, reason in summary[name].items():
            print(f"{name}: {message_id}: {reason}")


def _purge(args: argparse.Namespace) -> int:
    if args.older_than is None:
        print("leadrelay dlq purge: --older-than DURATION is required", file=sys.stderr)
        return 2
    queue = _queue(args)
    now = datetime.now(UTC)
    with queue.hold() as held:
        chosen = _selected(held, args, now)
        if not args.yes:
            print(
                f"leadrelay dlq purge: would delete {len(chosen)} dead letter(s); refusing without --yes",
                file=sys.stderr,
            )
            return 2
        failed = queue.delete(chosen)
    deleted = len(chosen) - len(failed)
    if args.json:
        print_json({"deleted": deleted, "failed": failed})
    else:
        print(f"deleted: {deleted}")
        for message_id, reason in failed.items():
            print(f"failed: {message_id}: {reason}")
    return 1 if failed else 0


def _export(args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    chosen = _selected(_queue(args).peek(), args, now)
    lines = [
        json.dumps(
            {
                "message_id": m.message_id,
                "sent_at": m.sent_at.isoformat(),
                "receive_count": m.receive_count,
                "envelope": m.letter.model_dump(mode="json"),
                "body": m.body,
            },
            ensure_ascii=False,
        )
        for m in chosen
    ]
    text = "".join(line + "\n" for line in lines)
    if args.file == "-":
        sys.stdout.write(text)
    else:
        Path(args.file).write_text(text, encoding="utf-8")
    summary = {"exported": len(lines), "file": args.file}
    if args.json:
        print_json(summary, stream=sys.stderr if args.file == "-" else None)
    else:
        print(f"exported {len(lines)} dead letter(s) to {args.file}", file=sys.stderr)
    return 0


class _Progress:
    """A one-line progress bar on stderr: ``redriving [#########-----------] 9/20``."""

    def __init__(self, label: str, total: int, width: int = 30) -> None:
        self.label, self.total, self.width = label, total, width
        self.update(0)

    def update(self, done: int) -> None:
        filled = self.width * done // self.total if self.total else self.width
        bar = "#" * filled + "-" * (self.width - filled)
        write_own_controls(sys.stderr, f"\r{self.label} [{bar}] {done}/{self.total}")
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")
