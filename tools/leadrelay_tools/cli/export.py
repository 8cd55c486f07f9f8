"""``leadrelay export``: Leads, Contacts, users and activity histories as JSON Lines, for `rules simulate`
and `report`.

``--org config`` reads the org the ``LEADRELAY_*`` settings name (Bulk API 2.0) and the stack's activity
table (``LEADRELAY_ACTIVITY_TABLE``); ``--org local`` (the default) starts moto and a local org in this
process, seeds it and replays deliveries through the real functions first (the examples, unless
``--seed``/``--replay`` say otherwise), then exports that — nothing needs AWS or Salesforce.
"""

from __future__ import annotations

import argparse
import re
import sys
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from leadrelay.pipeline.fields import PersonFields
from leadrelay.rulefiles.bundle import load_rule_bundle
from leadrelay.settings import Settings

from leadrelay_tools.cli.environments import function_settings
from leadrelay_tools.cli.org import OrgError, org_client
from leadrelay_tools.cli.output import ProgressBar
from leadrelay_tools.org_export import ActivityTable, write_export

EXAMPLES = Path("examples")
DEFAULT_RULES = Path("rules")
_DAYS = re.compile(r"^(\d+)d$")


def register(subparsers: Any) -> None:
    """Add `export`."""
    parser = subparsers.add_parser(
        "export",
        help="write Leads, Contacts, users and activity histories as JSON Lines",
        description="Export the org's Leads and Contacts modified since --since (Bulk API 2.0), with their "
        "activity histories from the activity store and the users, in the format `rules simulate` and "
        "`report` read (docs/simulation.md#the-export-format).",
    )
    parser.add_argument("--output", type=Path, required=True, metavar="FILE", help="the JSONL file to write")
    parser.add_argument("--since", default="90d", help="90d (days back) or YYYY-MM-DD (default: 90d)")
    parser.add_argument("--objects", default="Lead,Contact", help="Lead, Contact or both (default: both)")
    parser.add_argument(
        "--org", choices=("local", "config"), default="local", help="local (default) or config"
    )
    parser.add_argument("--rules", type=Path, default=DEFAULT_RULES, help="rules directory (fields to read)")
    parser.add_argument("--wait", type=float, default=1.0, help="seconds between Bulk API job polls")
    parser.add_argument("--seed", type=Path, help="local: records to create first (default: the examples')")
    parser.add_argument(
        "--replay", type=Path, help="local: deliveries to replay first (default: the examples')"
    )
    parser.add_argument("--secrets", type=Path, help="local: secrets for --replay (default: the examples')")
    parser.set_defaults(func=run_export)


def since_of(text: str, now: datetime) -> datetime:
    """``90d`` → ninety days before ``now``; ``2026-09-01`` → that day's midnight UTC."""
    days = _DAYS.match(text.strip())
    if days:
        return now - timedelta(days=int(days.group(1)))
    try:
        return datetime.fromisoformat(text.strip()).replace(tzinfo=UTC)
    except ValueError:
        raise ValueError(f"--since {text!r}: give days back (90d) or a date (2026-09-01)") from None


def run_export(args: argparse.Namespace) -> int:
    """Write the export; exit 2 when an argument, the rules or the org are not usable."""
    now = datetime.now(UTC)
    objects = [name.strip() for name in args.objects.split(",") if name.strip()]
    if not objects or any(name not in ("Lead", "Contact") for name in objects):
        return _fail(f"--objects {args.objects!r}: Lead, Contact or both")
    try:
        since = since_of(args.since, now)
        bundle = load_rule_bundle(args.rules)
        fields = PersonFields(bundle.ownership, bundle.lead_fields)
        with _settings(args) as settings:
            client = org_client(settings)
            table = (
                ActivityTable(boto3.client("dynamodb"), settings.activity_table)
                if settings.activity_table
                else None
            )
            bar = ProgressBar("exporting", None)
            try:
                with args.output.open("w", encoding="utf-8") as out:
                    counts = write_export(
                        out,
                        client,
                        table,
                        objects=objects,
                        fields_for=lambda sobject: fields[sobject],  # type: ignore[index]
                        since=since,
                        now=now,
                        org=str(client.sf_instance),
                        progress=bar.update,
                        wait=args.wait,
                    )
            finally:
                bar.close()
    except (ValueError, OrgError) as error:
        return _fail(str(error))
    people = ", ".join(
        f"{count:,} {name}{'' if count == 1 else 's'}" for name, count in counts.people.items()
    )
    totals = f"{counts.activities:,} activities, {counts.users:,} users"
    print(f"{args.output}: {people}, {totals} (since {since:%Y-%m-%d})")
    return 0


def _settings(args: argparse.Namespace) -> AbstractContextManager[Settings]:
    """The settings ``--org`` names; locally, the examples are seeded and replayed unless told otherwise."""
    return function_settings(
        args.org,
        rules_path=args.rules,
        seed=_existing(args.seed or EXAMPLES / "replay-seed.json"),
        replay=_existing(args.replay or EXAMPLES / "replay.jsonl"),
        secrets=_existing(args.secrets or EXAMPLES / "replay-secrets.json"),
    )


def _existing(path: Path) -> Path | None:
    return path if path.is_file() else None


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2
