"""`leadrelay rules explain` and `leadrelay demo`: tables a Salesforce admin can read, in Japanese too."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from leadrelay import load_rules
from leadrelay_tools.cli.demo import demo_rows, read_samples
from leadrelay_tools.cli.explanation import lead_name
from leadrelay_tools.cli.main import main
from leadrelay_tools.cli.output import display_width

from tests.rules_cli.conftest import CLI, EXAMPLES, SHIPPED_RULES, read, write

YAMADA = EXAMPLES / "01_yamada_sample_shoji.json"


def test_explain_lists_each_matched_rule_with_points_and_values(cli: CLI) -> None:
    run = cli("rules", "explain", YAMADA, "--rules", SHIPPED_RULES)

    assert run.code == 0
    assert run.out.startswith("山田 太郎 · 株式会社サンプル商事 · 営業本部長  [00Q5g00000AbCdEAA1]\n")
    title_row = next(line for line in run.out.splitlines() if "fit.title" in line)
    assert title_row.split() == ["fit", "fit.title", "+12", "本部長/部長/Director", 'lead.Title="営業本部長"']
    assert "engagement.pricing_page" in run.out
    assert "scores: fit 40, engagement 58" in run.out
    assert "stage:  Lead → MQL" in run.out
    assert "lifecycle.mql: Lead → MQL  scores.fit=40, scores.engagement=58" in run.out


def test_explain_says_why_a_lead_did_not_move_on(cli: CLI) -> None:
    run = cli("rules", "explain", YAMADA, "--rules", SHIPPED_RULES, "--now", "2027-03-01T09:00:00+09:00")

    lines = run.out.splitlines()
    why_not = lines.index("why not:")
    assert lines[why_not + 1 : why_not + 3] == [
        "  lifecycle.mql (Lead → MQL):",
        "    scores.engagement 0 < 50 (50 short)",
    ]
    assert "  engagement.webinar: no webinar_attended in the last 90d (latest 110 days ago)" in lines


def test_explain_json_carries_the_nearest_misses(cli: CLI) -> None:
    run = cli("rules", "explain", YAMADA, "--rules", SHIPPED_RULES, "--json")

    misses = run.json()["misses"]
    sql = next(miss for miss in misses["transitions"] if miss["to_stage"] == "SQL")
    assert sql["rule_id"] == "lifecycle.sql_bant"
    assert sql["reasons"][0].startswith("0 of 4 hold, 2 needed")
    assert {miss["rule_id"] for miss in misses["rules"]} >= {"engagement.seminar"}


def test_explain_uses_now_from_the_option_over_the_file(cli: CLI) -> None:
    run = cli("rules", "explain", YAMADA, "--rules", SHIPPED_RULES, "--now", "2027-03-01T09:00:00+09:00")

    assert "scores: fit 40, engagement 0" in run.out
    assert "stage:  Lead (no change)" in run.out


def test_explain_accepts_a_bare_lead_record(cli: CLI, tmp_path: Path) -> None:
    lead = write(
        tmp_path / "lead.json", {"Id": "00Q5g00000AbCdMAA1", "LastName": "田中", "Title": "代表取締役"}
    )

    run = cli("rules", "explain", lead, "--rules", SHIPPED_RULES, "--now", "2026-11-20T18:00:00+09:00")

    assert run.code == 0
    assert "fit.title" in run.out
    assert "scores: fit 20, engagement 0" in run.out


def test_explain_reports_broken_json_with_line_and_column(cli: CLI, tmp_path: Path) -> None:
    lead = tmp_path / "lead.json"
    lead.write_text('{"lead": {"Title": "部長",}}', encoding="utf-8")

    run = cli("rules", "explain", lead, "--rules", SHIPPED_RULES)

    assert run.code == 2
    with pytest.raises(json.JSONDecodeError) as python_says:  # its wording changed in Python 3.13
        json.loads(lead.read_text(encoding="utf-8"))
    error = python_says.value
    assert f"error: {lead}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}" in run.err


def test_explain_rejects_a_now_that_is_not_a_date(cli: CLI) -> None:
    run = cli("rules", "explain", YAMADA, "--rules", SHIPPED_RULES, "--now", "来週")

    assert run.code == 2
    assert "--now: not an ISO-8601 date-time: '来週'" in run.err


def test_explain_json_carries_the_whole_decision_with_its_trace(cli: CLI) -> None:
    payload = cli("rules", "explain", YAMADA, "--rules", SHIPPED_RULES, "--json").json()

    assert payload["now"] == "2026-11-20T18:00:00+09:00"
    decision = payload["decision"]
    assert decision["scores"] == {"fit": 40, "engagement": 58}
    assert decision["transitions"][0]["rule_id"] == "lifecycle.mql"
    assert {"rule_id": "fit.title", "score": "fit", "points": 12.0}.items() <= decision["trace"][2].items()


def test_demo_prints_one_aligned_row_per_sample_lead(cli: CLI) -> None:
    samples = read_samples(EXAMPLES)

    run = cli("demo", "--leads-only", "--examples", EXAMPLES, "--rules", SHIPPED_RULES)

    lines = run.out.splitlines()
    header = next(line for line in lines if line.startswith("lead "))
    rows = [
        next(line for line in lines if line.startswith(lead_name(sample.lead) + " ")) for sample in samples
    ]
    assert run.code == 0
    assert header.split() == ["lead", "company", "fit", "engagement", "stage", "top", "reasons"]
    assert "MQL → SQL" in next(row for row in rows if row.startswith("佐藤 花子"))
    company_column = display_width(header[: header.index("company")])
    for row, sample in zip(rows, samples, strict=True):
        assert display_width(row[: row.index(sample.lead["Company"])]) == company_column, row


def test_demo_rows_give_scores_stage_and_reasons_per_sample() -> None:
    samples = read_samples(EXAMPLES)

    rows = demo_rows(load_rules(SHIPPED_RULES), samples, now=datetime(2026, 11, 20, tzinfo=UTC))

    nakamura = next(row for row in rows if row["lead"] == "中村 直樹")
    assert (nakamura["fit"], nakamura["engagement"]) == (34, 18)
    assert nakamura["stage"] == "SQL → Recycled [SALES_REJECTED]"
    assert nakamura["top reasons"].startswith("title +12, company_size +10")
    assert nakamura["decision"].ruleset_version == load_rules(SHIPPED_RULES).version


def test_demo_json_lists_the_rows(cli: CLI) -> None:
    payload = cli("demo", "--leads-only", "--examples", EXAMPLES, "--rules", SHIPPED_RULES, "--json").json()

    assert len(payload["rows"]) == len(list(EXAMPLES.glob("*.json")))
    assert payload["rows"][0]["decision"]["scores"] == {"fit": 40, "engagement": 58}


def test_demo_without_samples_says_where_it_looked(cli: CLI, tmp_path: Path) -> None:
    run = cli("demo", "--examples", tmp_path / "nowhere", "--rules", SHIPPED_RULES)

    assert run.code == 2
    assert "nowhere: no such directory of sample leads" in run.out


@pytest.mark.parametrize(
    "argv", [("rules", "validate"), ("rules", "test"), ("rules", "explain"), ("demo",)], ids=" ".join
)
def test_every_command_has_help_mentioning_json(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*argv, "--help"])

    assert exit_info.value.code == 0
    assert "--json" in capsys.readouterr().out


def test_demo_writes_full_width_employees_as_a_number_and_both_tables_agree(cli: CLI, tmp_path: Path) -> None:
    examples = tmp_path / "leads"
    examples.mkdir()
    sample = read(EXAMPLES / "01_yamada_sample_shoji.json")
    sample["lead"]["NumberOfEmployees"] = "１，２００"
    write(examples / "01_yamada.json", sample)

    payload = cli("demo", "--examples", examples, "--rules", SHIPPED_RULES, "--json").json()

    assert payload["rows"][0]["decision"]["scores"]["fit"] == payload["pipeline"]["leads"][0]["fit"]
    assert (payload["notes"], payload["differences"], payload["pipeline"]["notes"]) == ([], [], [])


def test_the_demo_says_why_a_converted_sample_differs_in_the_org(cli: CLI) -> None:
    run = cli("demo", "--leads-only", "--examples", EXAMPLES, "--rules", SHIPPED_RULES)

    assert "The two tables differ:" in run.out
    assert "James Wilson: the rules give fit 52, engagement 20, stage Opportunity" in run.out
    assert "only Salesforce sets (lead conversion)" in run.out
