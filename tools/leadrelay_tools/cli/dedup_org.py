"""``leadrelay dedup --from-org`` and ``leadrelay dedup backfill``: the org through Bulk API 2.0.

Both log in as ``leadrelay org describe`` does (the functions' Salesforce settings). ``--from-org``
streams the Leads and Contacts (``--objects``) into the same comparison as a file; ``backfill``
computes the match keys of the Leads, Contacts and Accounts and writes those that changed
(leadrelay_tools.dedup.org), journalling each finished ingest job in ``--journal`` so that a rerun
resumes where an interrupted one stopped.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import Any

from leadrelay.domain.matching.match_rules import MatchRules
from leadrelay.engine.diagnostics import RuleSetError
from leadrelay.rulefiles.dedup_loading import load_match_rules
from requests import RequestException
from simple_salesforce.exceptions import SalesforceError

from leadrelay_tools.cli.org import OrgError, org_client
from leadrelay_tools.cli.output import ProgressBar
from leadrelay_tools.dedup.org import OBJECTS, backfill, object_columns, query_rows
from leadrelay_tools.dedup.reading import Row

__all__ = ["OrgError", "org_rows", "run_backfill"]


def _objects(args: argparse.Namespace, default: str) -> list[str]:
    names = [name.strip() for name in (args.objects or default).split(",") if name.strip()]
    unknown = [name for name in names if name not in OBJECTS]
    if unknown:
        raise OrgError(f"--objects: {', '.join(unknown)} not one of {', '.join(OBJECTS)}")
    return names


def org_rows(args: argparse.Namespace, rules: MatchRules) -> list[tuple[str, Iterator[Row]]]:
    """Each object's rows, read lazily through Bulk API 2.0 queries."""
    client = org_client()
    try:
        return [
            (name, _guarded(query_rows(client, name, object_columns(client, rules, name), args.wait)))
            for name in _objects(args, "Lead,Contact")
        ]
    except (SalesforceError, RequestException) as error:
        raise OrgError(f"reading the org failed: {error}") from None


def _guarded(rows: Iterator[Row]) -> Iterator[Row]:
    try:
        yield from rows
    except (SalesforceError, RequestException) as error:
        raise OrgError(f"reading the org failed: {error}") from None


def run_backfill(args: argparse.Namespace) -> int:
    """Write every object's match keys; exit 0, 1 when some records failed, 2 when it cannot run."""
    try:
        rules = load_match_rules(args.rules)
        objects = _objects(args, ",".join(OBJECTS))
        client = org_client()
        results = [_one(client, rules, name, args) for name in objects]
    except (OSError, RuleSetError, OrgError) as error:
        print(f"leadrelay dedup backfill: {error}", file=sys.stderr)
        return 2
    except (SalesforceError, RequestException) as error:
        print(f"leadrelay dedup backfill: the org refused or failed: {error}", file=sys.stderr)
        return 2
    failed = 0
    for result in results:
        for failure in result.failures:
            print(f"leadrelay dedup backfill: not written: {failure}", file=sys.stderr)
        failed += len(result.failures)
        print(
            f"{result.sobject}: {result.read:,} read, {result.written:,} written in {result.jobs:,} jobs, "
            f"{result.unchanged:,} unchanged, {result.resumed:,} done before (journal), "
            f"{len(result.failures):,} failed"
        )
    print(f"journal: {args.journal}")
    return 1 if failed else 0


def _one(client: Any, rules: MatchRules, sobject: str, args: argparse.Namespace) -> Any:
    bar = ProgressBar(f"backfill {sobject}", None)
    try:
        return backfill(
            client,
            rules,
            sobject,
            args.journal,
            batch_size=args.batch_size,
            wait=args.wait,
            progress=bar.update,
        )
    finally:
        bar.close()
