"""The pipeline on local adapters: the local org over HTTPS, activities and dead letters in memory.

For ``leadrelay demo``, the write-back benchmark and tests: the same pipeline and Salesforce gateway as
the processor Lambda, with nothing from AWS. The local org is a stand-in for tests and demos, not
Salesforce.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leadrelay.adapters.activity_store import InMemoryActivityStore
from leadrelay.adapters.salesforce import AuthFlow, SalesforceCredentials, SimpleSalesforceGateway
from leadrelay.bootstrap import NO_OVERRIDES, Overrides
from leadrelay.bootstrap.processor import assemble_pipeline
from leadrelay.domain.deadletter import DeadLetter
from leadrelay.domain.ownership import AUTO_ASSIGN_OFF
from leadrelay.domain.sfvalues import coerce_value
from leadrelay.pipeline.batch import Pipeline
from leadrelay.pipeline.config import PipelineConfig
from leadrelay.ports import ActivityStore
from leadrelay.rulefiles.bundle import RuleBundle, load_rule_bundle

from leadrelay_tools.localorg import LocalOrg
from leadrelay_tools.localorg.errors import RecordSaveError
from leadrelay_tools.localorg.schema import Schema


@dataclass
class InMemoryDeadLetters:
    """The dead-letter sink as a list."""

    letters: list[DeadLetter] = field(default_factory=list)

    def send(self, letters: Sequence[DeadLetter]) -> None:
        """Keep the letters."""
        self.letters.extend(letters)


def coerced_record(
    schema: Schema, sobject: str, fields: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """``fields`` as the org's field types take them (``"１，２００"`` employees → ``1200``), and a problem
    per value that no field of its type can take (that field is left out)."""
    obj = schema.get(sobject)
    record: dict[str, Any] = {}
    problems: list[str] = []
    for name, value in fields.items():
        fdef = obj.field(name) if obj is not None else None
        try:
            record[name] = coerce_value(value, fdef.type) if fdef is not None else value
        except ValueError as exc:
            problems.append(f"{sobject}.{name}: {exc}; left out")
    return record, problems


def seed_record(
    org: LocalOrg, sobject: str, fields: Mapping[str, Any], *, user_id: str | None = None
) -> tuple[str | None, list[str]]:
    """Insert one record (values coerced as :func:`coerced_record` says); its id, or None and why the
    org refused it — never an exception for a bad value."""
    record, problems = coerced_record(org.state.schema, sobject, fields)
    try:
        return org.insert(sobject, record, user_id=user_id), problems
    except RecordSaveError as exc:
        return None, [*problems, f"{sobject} not created: {exc}"]


def local_org_gateway(
    org: LocalOrg, bundle: RuleBundle | None = None, *, timeout: float = 10.0
) -> SimpleSalesforceGateway:
    """The real gateway logged in to ``org`` with client credentials, trusting its certificate; the
    assignment and duplicate-rule headers as ``bundle``'s ``ownership.json`` asks (default: none)."""
    client_id, client_secret = org.client_credentials()
    credentials = SalesforceCredentials(
        flow=AuthFlow.CLIENT_CREDENTIALS,
        login_url=org.url,
        consumer_key=client_id,
        consumer_secret=client_secret,
    )
    ownership = bundle.ownership if bundle is not None else None
    return SimpleSalesforceGateway(
        credentials,
        http=org.http_session(),
        timeout=timeout,
        lead_auto_assign_on_create=ownership.lead_assignment.create_header if ownership else AUTO_ASSIGN_OFF,
        save_past_duplicate_alerts=bool(ownership and ownership.duplicate_rules.on_create == "allow_save"),
    )


def local_pipeline(
    org: LocalOrg,
    rules_path: str | Path,
    *,
    activities: ActivityStore | None = None,
    dead_letters: InMemoryDeadLetters | None = None,
    config: PipelineConfig | None = None,
    overrides: Overrides = NO_OVERRIDES,
) -> Pipeline:
    """A pipeline on the rules in ``rules_path`` writing to ``org``; activities and dead letters in memory
    (``overrides``: clock, sleep, rng), wired by the composition root."""
    bundle = load_rule_bundle(rules_path)
    return assemble_pipeline(
        bundle,
        gateway=local_org_gateway(org, bundle),
        activities=activities if activities is not None else InMemoryActivityStore(),
        dead_letters=dead_letters if dead_letters is not None else InMemoryDeadLetters(),
        config=config,
        overrides=overrides,
    )
