"""`leadrelay dlq redrive`, `purge` and `export`: the sub-commands that change the queue, page by page."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from leadrelay.adapters.dead_letter_redrive import Redrive

from leadrelay_tools.cli.dlq_journal import RedriveJournal, default_journal_path
from leadrelay_tools.cli.dlq_output import COLUMNS, export_line, row
from leadrelay_tools.cli.dlq_pass import chosen_pages, open_queue, warn_if_stopped
from leadrelay_tools.cli.output import ProgressBar, print_json, print_table


def redrive(args: argparse.Namespace) -> int:
    """Send the chosen dead letters' events back; resumable from the journal."""
    if args.dry_run:
        return _dry_run(args)
    queue = open_queue(args)
    now = datetime.now(UTC)
    journal = RedriveJournal(args.journal or default_journal_path(queue.queue_url))
    bar = ProgressBar("redriving", queue.approximate_count())
    finished = False
    try:
        with queue.scan() as scan:
            redrive = Redrive(scan, journal)
            for chosen in chosen_pages(scan, args, now):
                redrive.page(chosen)
                bar.update(scan.read)
            report = redrive.report
            finished = scan.stopped is None and not report.failed and not report.not_deleted
    except KeyboardInterrupt:
        bar.close()
        print(
            f"leadrelay dlq redrive: interrupted; run the same command again to resume "
            f"(the journal {journal.path} remembers what was sent, so nothing is sent twice)",
            file=sys.stderr,
        )
        return 130
    finally:
        journal.close(finished=finished)
    bar.close()
    summary = {
        "redriven": len(report.redriven),
        "failed": report.failed,
        "sent_not_deleted": report.not_deleted,
    }
    _report_redrive(args, summary, resumed=journal.resumed)
    warn_if_stopped(args, queue, scan)
    return 1 if report.failed or report.not_deleted else 0


def _dry_run(args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    queue = open_queue(args)
    with queue.scan() as scan:
        rows = [row(m, now) for chosen in chosen_pages(scan, args, now) for m in chosen]
    if args.json:
        print_json({"dry_run": True, "would_redrive": len(rows), "messages": rows})
    else:
        print_table(rows, COLUMNS)
        print(f"dry run: would redrive {len(rows)} dead letter(s); nothing changed")
    warn_if_stopped(args, queue, scan)
    return 0


def _report_redrive(args: argparse.Namespace, summary: dict[str, Any], *, resumed: int) -> None:
    if args.json:
        print_json({**summary, "resumed": resumed > 0})
        return
    if resumed:
        print("resumed an interrupted redrive: messages it had sent were deleted, not sent again")
    print(f"redriven: {summary['redriven']}")
    for name in ("failed", "sent_not_deleted"):
        for message_id, reason in summary[name].items():
            print(f"{name}: {message_id}: {reason}")


def purge(args: argparse.Namespace) -> int:
    """Delete the chosen dead letters (``--older-than`` and ``--yes`` required)."""
    if args.older_than is None:
        print("leadrelay dlq purge: --older-than DURATION is required", file=sys.stderr)
        return 2
    queue = open_queue(args)
    now = datetime.now(UTC)
    chosen_count, failed = 0, {}
    with queue.scan() as scan:
        for chosen in chosen_pages(scan, args, now):
            chosen_count += len(chosen)
            if args.yes:
                failed.update(scan.delete(chosen))
    if not args.yes:
        print(
            f"leadrelay dlq purge: would delete {chosen_count} dead letter(s); refusing without --yes",
            file=sys.stderr,
        )
        return 2
    deleted = chosen_count - len(failed)
    if args.json:
        print_json({"deleted": deleted, "failed": failed})
    else:
        print(f"deleted: {deleted}")
        for message_id, reason in failed.items():
            print(f"failed: {message_id}: {reason}")
    warn_if_stopped(args, queue, scan)
    return 1 if failed else 0


def export(args: argparse.Namespace) -> int:
    """Write the chosen dead letters as JSON lines; with ``--delete``, archive them."""
    now = datetime.now(UTC)
    queue = open_queue(args)
    exported, failed = 0, {}
    with _output(args.file) as out, queue.scan() as scan:
        for chosen in chosen_pages(scan, args, now):
            out.write("".join(json.dumps(export_line(m), ensure_ascii=False) + "\n" for m in chosen))
            exported += len(chosen)
            if args.delete and chosen:
                _sync(out)
                failed.update(scan.delete(chosen))
    summary = {
        "exported": exported,
        "file": args.file,
        "deleted": exported - len(failed) if args.delete else 0,
    }
    if args.json:
        print_json(summary, stream=sys.stderr if args.file == "-" else None)
    else:
        deleted = f", deleted {summary['deleted']} from the queue" if args.delete else ""
        print(f"exported {exported} dead letter(s) to {args.file}{deleted}", file=sys.stderr)
    warn_if_stopped(args, queue, scan)
    return 1 if failed else 0


@contextmanager
def _output(file: str) -> Iterator[IO[str]]:
    if file == "-":
        yield sys.stdout
        return
    with Path(file).open("w", encoding="utf-8") as out:
        yield out


def _sync(out: IO[str]) -> None:
    """What was written is on disk before the dead letters it holds are deleted."""
    out.flush()
    if out is not sys.stdout:
        os.fsync(out.fileno())
