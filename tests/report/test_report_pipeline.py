"""`leadrelay report` over a decision log the real pipeline wrote (local org): 山田太郎 becomes an MQL and
is routed to 佐藤 through the east pool."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from leadrelay.adapters.decision_log import DirectoryDecisionLog
from leadrelay_tools.cli.main import main
from leadrelay_tools.localorg import LocalOrg
from leadrelay_tools.localorg.samples import seed_fit_40_lead

from tests.pipeline.support import make_pipeline, message, page_view
from tests.routing.test_routing_step import SATO, becomes_mql

EMAIL = "taro.yamada@sample-shoji.co.jp"


def test_an_mql_the_pipeline_made_is_counted_with_its_source_and_rep(
    local_org: LocalOrg, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_fit_40_lead(local_org, EMAIL)
    log = tmp_path / "log"
    pipeline, clock, _ = make_pipeline(local_org, decision_log=DirectoryDecisionLog(log))
    pipeline.run([message(page_view(EMAIL, minutes_ago=600))], remaining=clock.remaining)
    clock.now += timedelta(minutes=5)
    pipeline.run([message(event) for event in becomes_mql(EMAIL)], remaining=clock.remaining)

    code = main(
        [
            "report",
            "--log",
            str(log),
            "--since",
            "2026-11-01",
            "--until",
            "2026-11-30",
            "--by",
            "rep",
            "--json",
        ]
    )

    payload = json.loads(capsys.readouterr().out)
    assert code == 0
    assert payload["total"]["mqls"] == 1
    assert [(row["group"], row["mqls"]) for row in payload["rows"]] == [(SATO, 1)]
