"""`leadrelay demo`: the sample leads' activities through the whole pipeline on an in-process local org."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from leadrelay_tools.cli.demo import read_samples
from leadrelay_tools.cli.demo_pipeline import run_pipeline_demo, sample_events
from leadrelay_tools.cli.main import main

from tests.pipeline.support import RULES

EXAMPLES = RULES.parent / "examples" / "leads"


def test_each_sample_activity_becomes_one_canonical_event_identified_by_email() -> None:
    (yamada, *_) = read_samples(EXAMPLES)
    events = sample_events(yamada)
    assert len(events) == len(yamada.context["activities"])
    assert {e.identity.email for e in events} == {"taro.yamada@sample-shoji.co.jp"}
    assert len({e.idempotency_key for e in events}) == len(events)


def test_the_pipeline_writes_the_same_scores_and_stage_the_rules_give() -> None:
    samples = read_samples(EXAMPLES)
    now = datetime.fromisoformat("2026-11-20T18:00:00+09:00")
    demo = run_pipeline_demo(samples, RULES, now=now)
    assert demo.outcomes == {
        "applied": sum(len(s.context["activities"]) for s in samples),
        "dead_lettered": 0,
        "retry": 0,
    }
    assert demo.dead_letters == []
    by_name = {row["lead"]: row for row in demo.leads}
    yamada = by_name["山田 太郎"]
    assert (yamada["fit"], yamada["engagement"], yamada["stage"]) == (40, 58, "MQL")
    assert yamada["mql_at"] is not None
    assert by_name["高橋 健"]["stage"] == "Nurture"


def test_leadrelay_demo_prints_the_leads_as_the_pipeline_left_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo", "--leads-only", "--examples", str(EXAMPLES), "--rules", str(RULES)]) == 0
    out = capsys.readouterr().out
    assert "Through the pipeline" in out
    assert "Dead letters: none" in out
    assert "The whole hand-off is left out (--leads-only)." in out


@pytest.mark.slow  # the whole hand-off end to end
def test_leadrelay_demo_goes_on_to_the_whole_hand_off(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    argv = ["demo", "--examples", str(EXAMPLES), "--rules", str(RULES), "--output", str(tmp_path)]
    assert main([*argv, "--decision-log", str(tmp_path / "decisions")]) == 0
    out = capsys.readouterr().out
    assert "The whole hand-off (examples/replay.jsonl" in out
    routed = "routing.east → pool inside_sales_east → 鈴木 誠 (skipped 佐藤 花子 away)"
    assert f"Routed MQLs:\n  山田 太郎: {routed}" in out
    assert "to 鈴木 誠 about 山田 太郎: " in out


def test_leadrelay_demo_json_carries_the_pipeline_result(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--json", "--leads-only", "--examples", str(EXAMPLES), "--rules", str(RULES)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert len(document["pipeline"]["leads"]) == len(read_samples(EXAMPLES))
    # 5, routing's Users and OutOfOffice reads, and the match step's Lead and Contact queries: the seeded
    # Leads have no match keys yet, so each is compared once (then its keys are stamped)
    assert document["pipeline"]["api_calls"] <= 9
