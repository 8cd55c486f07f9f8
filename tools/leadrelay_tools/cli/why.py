"""``leadrelay why RECORD_ID``: a record's decision history from the decision log.

Each decision that changed the record's scores, stage or owner, oldest first, with the rules that made
the change, and each SLA action (reminder, breach, escalation) with its deadline and the alert sent.
The log is a directory (``--log``, default ``LEADRELAY_DECISION_LOG_DIR`` or ``.leadrelay/decision-log``,
where the demo writes it); for the S3 log, copy the partitions you need
(``aws s3 sync s3://BUCKET/decisions/dt=2026-12-01 DIR/decisions/dt=2026-12-01``) or query the Glue
table with Athena (docs/decision-log.md).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

from leadrelay_tools.cli.output import print_json, print_table
from leadrelay_tools.decision_history import DecisionLogNotFoundError, history_changes, read_history

DEFAULT_LOG_DIR = Path(".leadrelay/decision-log")
RECORD_ID = re.compile(r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$")
COLUMNS = ("at", "event", "scores", "stage", "owner", "rules", "sla")


def default_log_dir() -> Path:
    """``LEADRELAY_DECISION_LOG_DIR``, else the demo's ``.leadrelay/decision-log``."""
    return Path(os.environ.get("LEADRELAY_DECISION_LOG_DIR") or DEFAULT_LOG_DIR)


def register(subparsers: Any) -> None:
    """Add `why`."""
    parser = subparsers.add_parser(
        "why",
        help="a record's decision history: each change of score, stage and owner, and its rules",
        description="Read the decision log and print each decision that changed the record's scores, "
        "stage or owner, oldest first, with the rules that caused it, and each SLA action.",
    )
    parser.add_argument("record_id", metavar="RECORD_ID", help="the Lead or Contact id (15 or 18 characters)")
    parser.add_argument(
        "--log",
        type=Path,
        default=None,
        metavar="DIR",
        help="the decision log directory (default: LEADRELAY_DECISION_LOG_DIR or .leadrelay/decision-log)",
    )
    parser.add_argument(
        "--since", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD", help="only partitions from"
    )
    parser.add_argument("--json", action="store_true", help="print the changes as JSON")
    parser.set_defaults(func=run_why)


def run_why(args: argparse.Namespace) -> int:
    """Print the history; exit 2 when the id or the log is not usable, 1 when the record has none."""
    if not RECORD_ID.match(args.record_id):
        print(
            f"error: {args.record_id!r} is not a Salesforce record id (15 or 18 letters and digits)",
            file=sys.stderr,
        )
        return 2
    log_dir = args.log or default_log_dir()
    try:
        entries = read_history(log_dir, args.record_id, since=args.since)
    except DecisionLogNotFoundError as error:
        print(
            f"error: {error}; run the processor with LEADRELAY_DECISION_LOG_DIR, or `leadrelay demo`",
            file=sys.stderr,
        )
        return 2
    changes = history_changes(entries)
    if args.json:
        print_json(
            {
                "record_id": args.record_id,
                "decisions": len(entries),
                "changes": [c.to_dict() for c in changes],
            }
        )
        return 0 if entries else 1
    if not entries:
        print(f"{args.record_id}: no decisions in {log_dir}", file=sys.stderr)
        return 1
    print(f"{args.record_id}: {len(entries)} decisions, {len(changes)} changed the record")
    print_table([_row(change.to_dict()) for change in changes], COLUMNS, max_width=80)
    return 0


def _row(change: dict[str, Any]) -> dict[str, Any]:
    scores = ", ".join(
        f"{name} {'' if moved['before'] is None else str(moved['before']) + '→'}{moved['after']}"
        for name, moved in change["scores"].items()
    )
    stage = change["stage"]
    return {
        "at": change["at"],
        "event": change["event"],
        "scores": scores,
        "stage": "" if stage is None else f"{stage['from']} → {stage['to']}",
        "owner": change["owner"] or "",
        "rules": "; ".join(change["rules"]),
        "sla": change["sla"] or "",
    }
