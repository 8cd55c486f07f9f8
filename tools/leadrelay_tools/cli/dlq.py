"""`leadrelay dlq`: inspect, redrive, purge and export the dead-letter queue (docs/dead-letters.md).

Every sub-command makes one pass over the queue, a page at a time (a queue of any size): what it
deletes leaves at once, what it only looks at stays held under a visibility timeout and is released
when the pass ends, so looking never loses a message. At most ``--max-in-flight`` messages are held
(SQS allows about 120,000 in flight), so a listing of a larger queue stops there and says so;
redrive, purge and ``export --delete`` go through any size. An interrupted redrive resumes from its
journal without sending anything twice. Queue URLs come from ``--queue-url``/``--source-queue-url``
or ``LEADRELAY_DLQ_URL``/``LEADRELAY_INGEST_QUEUE_URL``; owners from ``rules/operations.json``.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from leadrelay.adapters.dead_letter_reading import StoredDeadLetter
from leadrelay.adapters.dead_letters import SQS_IN_FLIGHT_LIMIT

from leadrelay_tools.cli import dlq_changes
from leadrelay_tools.cli.dlq_journal import JournalError
from leadrelay_tools.cli.dlq_output import COLUMNS, format_age, row
from leadrelay_tools.cli.dlq_pass import chosen_pages, open_queue, warn_if_stopped
from leadrelay_tools.cli.failures import describe
from leadrelay_tools.cli.output import print_json, print_table

__all__ = ["format_age", "parse_duration", "register"]

_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
Command = Callable[[argparse.Namespace], int]


def parse_duration(text: str) -> timedelta:
    """``30m``, ``6h``, ``2d``, ``1w``, ``45s`` → a timedelta (argparse type)."""
    match = _DURATION.match(text)
    if match is None:
        raise argparse.ArgumentTypeError(f"invalid duration {text!r} (use e.g. 30m, 6h, 2d)")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


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
    listing.set_defaults(func=_guarded(_list))

    show = commands.add_parser("show", parents=[common], help="one dead letter in full")
    show.add_argument("id", metavar="ID", help="dead-letter id, SQS message id or event idempotency key")
    show.set_defaults(func=_guarded(_show))

    redrive = commands.add_parser(
        "redrive", parents=[common, filters], help="send original events back to the source queue"
    )
    redrive.add_argument("--dry-run", action="store_true", help="show what would be redriven; change nothing")
    redrive.add_argument(
        "--journal",
        type=Path,
        help="where sends are recorded so an interrupted run resumes (default: under $XDG_STATE_HOME)",
    )
    redrive.set_defaults(func=_guarded(dlq_changes.redrive))

    purge = commands.add_parser("purge", parents=[common, filters], help="delete old dead letters")
    purge.add_argument("--yes", action="store_true", help="really delete (required)")
    purge.set_defaults(func=_guarded(dlq_changes.purge))

    export = commands.add_parser(
        "export", parents=[common, filters], help="write dead letters to a JSONL file"
    )
    export.add_argument("file", metavar="FILE", help="output file ('-' for stdout)")
    export.add_argument(
        "--delete", action="store_true", help="archive: delete each dead letter once it is on disk"
    )
    export.set_defaults(func=_guarded(dlq_changes.export))


def _common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--queue-url", help="dead-letter queue URL (default: $LEADRELAY_DLQ_URL)")
    common.add_argument(
        "--source-queue-url",
        help="queue to redrive to (default: $LEADRELAY_INGEST_QUEUE_URL, else the envelope's)",
    )
    common.add_argument("--region", help="AWS region (default: the queue URL's, else the SDK's)")
    common.add_argument(
        "--operations",
        type=Path,
        help="owners for messages the redrive policy moved (default: rules/operations.json)",
    )
    common.add_argument("--visibility-timeout", type=int, default=300, help="seconds messages stay held")
    common.add_argument("--wait-seconds", type=int, default=1, help="long poll confirming the queue is read")
    common.add_argument(
        "--max-in-flight",
        type=_in_flight,
        default=100_000,
        metavar="N",
        help="messages one pass holds at most (SQS allows about 120,000; default 100,000)",
    )
    common.add_argument("--json", action="store_true", help="machine-readable output")
    return common


def _filter_options() -> argparse.ArgumentParser:
    filters = argparse.ArgumentParser(add_help=False)
    filters.add_argument("--error-code", action="append", help="only this error code (repeatable)")
    filters.add_argument("--owner", action="append", help="only this owner (repeatable)")
    filters.add_argument("--older-than", type=parse_duration, metavar="DURATION", help="e.g. 2d")
    filters.add_argument("--newer-than", type=parse_duration, metavar="DURATION", help="e.g. 6h")
    return filters


def _in_flight(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 10 <= value <= SQS_IN_FLIGHT_LIMIT:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number from 10 to {SQS_IN_FLIGHT_LIMIT:,}")
    return value


def _guarded(command: Command) -> Command:
    """AWS and journal failures become one sentence (the queue is left as it was)."""

    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except (BotoCoreError, ClientError) as error:
            if getattr(args, "debug", False):
                raise
            print(f"leadrelay dlq {args.dlq_command}: {describe(error)}", file=sys.stderr)
        except JournalError as error:
            print(f"leadrelay dlq {args.dlq_command}: {error}", file=sys.stderr)
        return 1

    return run


def _list(args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    queue = open_queue(args)
    keyed: list[tuple[datetime, str, dict[str, Any]]] = []
    with queue.scan() as scan:
        for chosen in chosen_pages(scan, args, now):
            keyed.extend((m.letter.last_failed_at, m.message_id, row(m, now)) for m in chosen)
    rows = [r for _, _, r in sorted(keyed, key=lambda item: item[:2])]
    if args.json:
        print_json(rows)
    else:
        print_table(rows, COLUMNS)
        print(f"{len(rows)} dead letter(s)")
    warn_if_stopped(args, queue, scan)
    return 0


def _show(args: argparse.Namespace) -> int:
    wanted = args.id
    queue = open_queue(args)
    with queue.scan() as scan:
        for page in scan.pages():
            for m in page:
                event_key = m.letter.event.idempotency_key if m.letter.event else None
                if wanted in (m.letter.id, m.message_id, event_key):
                    _show_one(args, m)
                    return 0
    print(f"leadrelay dlq show: no dead letter {wanted!r}", file=sys.stderr)
    warn_if_stopped(args, queue, scan)
    return 1


def _show_one(args: argparse.Namespace, m: StoredDeadLetter) -> None:
    detail = {
        "message_id": m.message_id,
        "sent_at": m.sent_at,
        "receive_count": m.receive_count,
        "envelope": m.letter.model_dump(mode="json"),
    }
    if not args.json:
        summary = row(m, datetime.now(UTC))
        for name in ("id", "age", "error", "owner", "category", "origin"):
            print(f"{name:9} {summary[name]}")
        print(f"{'message':9} {m.letter.error.message}")
    print_json(detail)
