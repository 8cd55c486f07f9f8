"""Every decision the processor applies lands in the decision log, with its reasons; nothing applied goes
unlogged.

The real pipeline on the shipped rules; the log is a directory (the adapter the demo and local runs use),
read back line by line as the Glue table and DuckDB read it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from leadrelay.adapters.decision_log import DirectoryDecisionLog
from leadrelay.pipeline import Outcome
from leadrelay_tools.localorg import LocalOrg
from leadrelay_tools.localorg.samples import seed_fit_40_lead

from tests.pipeline.support import TARO, leads_by_email, make_pipeline, message, page_view
from tests.plugins.fake_salesforce import InMemorySalesforce
from tests.routing.test_routing_step import SATO, becomes_mql


def logged(root: Path) -> list[dict[str, Any]]:
    """Every line of the log, file by file."""
    return [
        json.loads(line)
        for path in sorted(root.glob("decisions/dt=*/*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]


def test_an_applied_event_is_logged_with_its_scores_reasons_and_the_new_leads_id(
    fake_salesforce: InMemorySalesforce, tmp_path: Path
) -> None:
    pipeline, clock, _ = make_pipeline(fake_salesforce, decision_log=DirectoryDecisionLog(tmp_path))
    view = page_view(TARO)

    pipeline.run([message(view)], remaining=clock.remaining)

    [entry] = logged(tmp_path)
    lead = leads_by_email(fake_salesforce)[TARO]
    assert entry["event_key"] == view.idempotency_key
    assert (entry["event_source"], entry["event_type"]) == ("hubspot", "page_view")
    assert entry["record_id"] == lead["Id"]
    assert entry["scores"]["engagement"] == lead["LR_Engagement_Score__c"]
    assert entry["ruleset_version"] == pipeline.rules.version
    assert any(reason["score"] == "engagement" for reason in entry["reasons"])
    assert "LR_Engagement_Score__c" in entry["written"]


def test_a_batch_is_one_object_in_its_days_partition(
    fake_salesforce: InMemorySalesforce, tmp_path: Path
) -> None:
    pipeline, clock, _ = make_pipeline(fake_salesforce, decision_log=DirectoryDecisionLog(tmp_path))

    pipeline.run([message(page_view(TARO)), message(page_view(TARO))], remaining=clock.remaining)

    [path] = tmp_path.glob("decisions/*/*.jsonl")
    assert path.parent.name == f"dt={clock.now:%Y-%m-%d}"
    assert len(path.read_text(encoding="utf-8").splitlines()) == 2


def test_a_redelivered_batch_rewrites_its_object_instead_of_adding_one(
    fake_salesforce: InMemorySalesforce, tmp_path: Path
) -> None:
    pipeline, clock, _ = make_pipeline(fake_salesforce, decision_log=DirectoryDecisionLog(tmp_path))
    view = page_view(TARO)

    pipeline.run([message(view)], remaining=clock.remaining)
    pipeline.run([message(view, receive_count=2)], remaining=clock.remaining)

    assert len(list(tmp_path.glob("decisions/*/*.jsonl"))) == 1


def test_a_dead_lettered_event_is_not_logged(fake_salesforce: InMemorySalesforce, tmp_path: Path) -> None:
    pipeline, clock, sink = make_pipeline(fake_salesforce, decision_log=DirectoryDecisionLog(tmp_path))
    nobody = page_view(None, salesforce_id="00QRM0000000999AAA")  # no such Lead: dead-lettered

    pipeline.run([message(nobody), message(page_view(TARO))], remaining=clock.remaining)

    assert [letter.event.idempotency_key for letter in sink.letters] == [nobody.idempotency_key]
    assert nobody.idempotency_key not in {entry["event_key"] for entry in logged(tmp_path)}


def test_when_the_log_cannot_keep_the_batch_its_events_go_back_to_the_queue(
    fake_salesforce: InMemorySalesforce, tmp_path: Path
) -> None:
    blocked = tmp_path / "log"
    blocked.write_text("a file where the log's directory should be", encoding="utf-8")
    pipeline, clock, sink = make_pipeline(fake_salesforce, decision_log=DirectoryDecisionLog(blocked))

    report = pipeline.run([message(page_view(TARO))], remaining=clock.remaining)

    [result] = report.results.values()
    assert (result.outcome, result.error_code) == (Outcome.RETRY, "DECISION_LOG_ERROR")
    assert sink.letters == []


def test_a_routed_mql_is_logged_with_its_stage_move_and_owner(local_org: LocalOrg, tmp_path: Path) -> None:
    lead_id = seed_fit_40_lead(local_org, "taro.yamada@sample-shoji.co.jp")
    pipeline, clock, _ = make_pipeline(local_org, decision_log=DirectoryDecisionLog(tmp_path))

    pipeline.run(
        [message(e) for e in becomes_mql("taro.yamada@sample-shoji.co.jp")], remaining=clock.remaining
    )

    entries = [e for e in logged(tmp_path) if e["routing"] is not None]
    [routed] = entries
    assert routed["record_id"][:15] == lead_id[:15]
    assert routed["stage"] == "MQL"
    assert routed["transitions"][-1]["to_stage"] == "MQL"
    assert routed["routing"] == {
        "owner_id": SATO,
        "row_id": "routing.east",
        "via": "pool inside_sales_east",
        "skipped": [],
    }
    assert leads_by_email(local_org)["taro.yamada@sample-shoji.co.jp"]["OwnerId"] == SATO
