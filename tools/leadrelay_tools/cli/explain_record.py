"""``rules explain --record ID | --email ADDRESS``: a real record, with the deployed (and proposed) rules.

The record is read from the org and its history from the activity store by the composition root
(``leadrelay.bootstrap.processor.record_reader``), exactly as the processor reads them. ``--org config``
uses the environment's ``LEADRELAY_*`` settings (a real org, the stack's table); ``--org local`` (the
default) starts moto and the local org in this process, fills them with ``--seed`` records and
``--replay`` deliveries (through the functions' own code), then explains.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from leadrelay.bootstrap.processor import RecordReader, record_reader
from leadrelay.engine import Decision, RuleSet
from leadrelay.engine.misses import Misses
from leadrelay.pipeline.lookup import PersonContext, RecordNotFoundError
from leadrelay.settings import InspectionSettings, Settings, SettingsError

from leadrelay_tools.cli.environments import SeedError, function_settings
from leadrelay_tools.cli.explanation import (
    DEFAULT_RULES,
    LeadFile,
    load_rule_set,
    print_explanation,
    print_misses,
)
from leadrelay_tools.cli.output import print_json


class RecordInputError(Exception):
    """An option or file the command cannot use; the message names it (exit 2)."""


@dataclass(frozen=True)
class _View:
    name: str
    path: str
    decision: Decision
    misses: Misses


def explain_record(args: argparse.Namespace, now: datetime | None) -> int:
    """Read the record, evaluate it with the deployed rules (and ``--rules``), print the explanation."""
    moment = now or datetime.now(UTC)
    proposed = load_rule_set(args.rules, as_json=args.json) if args.rules else None
    if args.rules and proposed is None:
        return 1
    with _environment(args) as settings:  # the functions' own output is silenced in here
        try:
            reader = record_reader(InspectionSettings.of(settings))
            person = reader.read(now=moment, record_id=args.record, email=args.email)
        except (SettingsError, RecordNotFoundError) as error:
            problem = str(error)
        else:
            problem = ""
            views = [_view("deployed", str(settings.rules_path), reader.bundle.rules, person, moment)]
            if proposed is not None:
                views.append(_view("proposed", str(args.rules), proposed, person, moment))
            stored = stored_values(person, reader)
    if problem:
        print(f"leadrelay rules explain: {problem}", file=sys.stderr)
        return 1
    record = person.person
    if args.json:
        print_json(
            {
                "record": {"sobject": record.sobject, "id": record.record_id},
                "now": moment,
                "stored": stored,
                "activities": len(person.activities),
                "rules": {
                    view.name: {
                        "path": view.path,
                        "decision": view.decision.to_dict(),
                        "misses": view.misses.to_dict(),
                    }
                    for view in views
                },
            }
        )
        return 0
    lead_file = LeadFile(Path(record.record_id), person.context, moment, dict(record.record))
    stored_text = ", ".join(f"{name} {json.dumps(v, ensure_ascii=False)}" for name, v in stored.items())
    print(f"{record.sobject} {record.record_id}: {len(person.activities)} activities on file")
    print(f"on the record now: {stored_text or '(no leadrelay fields)'}\n")
    for view in views:
        print(f"── rules {view.name} ({view.path}) ──")
        print_explanation(lead_file, moment, view.decision)
        print_misses(view.misses)
        print()
    return 0


def _view(name: str, path: str, rules: RuleSet, person: PersonContext, now: datetime) -> _View:
    context = person.context
    decision = rules.evaluate(context, now=now, trace=True)
    return _View(name, path, decision, rules.nearest_misses(context, now=now, decision=decision))


def stored_values(person: PersonContext, reader: RecordReader) -> dict[str, Any]:
    """What leadrelay last wrote on the record: each score and the stage, by name."""
    outputs = reader.bundle.ownership.outputs
    record = person.person.record
    stored = {name: record.get(field) for name, field in outputs.scores.items()}
    if outputs.stage is not None:
        stored["stage"] = record.get(outputs.stage)
    return stored


@contextlib.contextmanager
def _environment(args: argparse.Namespace) -> Iterator[Settings]:
    try:
        with function_settings(
            args.org, rules_path=DEFAULT_RULES, seed=args.seed, replay=args.replay, secrets=args.secrets
        ) as settings:
            yield settings
    except SeedError as error:
        raise RecordInputError(str(error)) from None
