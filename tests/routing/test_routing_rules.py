"""rules/routing.json: an ordered first-match table of owners, validated like every rule file."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from leadrelay.domain.routing import NO_ROW, RoutingFile, RoutingTable, compile_routing
from leadrelay.engine.diagnostics import CheckContext
from leadrelay.rulefiles.validate import validate_path

SHIPPED = Path(__file__).resolve().parents[2] / "rules" / "routing.json"
NOW = datetime(2026, 11, 16, 11, tzinfo=ZoneInfo("Asia/Tokyo"))


def shipped() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SHIPPED.read_text(encoding="utf-8"))
    return document


def table(document: dict[str, Any]) -> RoutingTable:
    ctx = CheckContext("rules/routing.json")
    compiled = compile_routing(RoutingFile.model_validate(document), ctx, ("fit", "engagement"))
    assert [d.format() for d in ctx.diagnostics] == []
    return compiled


def problems(tmp_path: Path, document: dict[str, Any]) -> list[str]:
    (tmp_path / "routing.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return [f"{d.pointer}: {d.message}" for d in validate_path(tmp_path / "routing.json")]


def test_an_enterprise_lead_goes_to_its_accounts_owner() -> None:
    route = table(shipped()).route({"lead": {"NumberOfEmployees": 3000, "State": "大阪府"}}, NOW)
    assert route.row_id == "routing.enterprise"
    assert route.target is not None
    assert route.target.account_owner is True


def test_a_lead_in_osaka_goes_to_the_western_pool_and_one_in_tokyo_to_the_eastern() -> None:
    routing = table(shipped())
    west = routing.route({"lead": {"State": "大阪府", "Company": "株式会社なにわ製作所"}}, NOW)
    east = routing.route({"lead": {"State": "東京都", "Company": "株式会社サンプル商事"}}, NOW)
    assert (west.row_id, west.target and west.target.pool) == ("routing.west", "inside_sales_west")
    assert (east.row_id, east.target and east.target.pool) == ("routing.east", "inside_sales_east")


def test_tokyo_is_not_taken_for_kyoto() -> None:
    route = table(shipped()).route({"lead": {"State": "東京都"}}, NOW)  # 東京都 contains 京都
    assert route.row_id == "routing.east"


def test_a_lead_no_row_takes_goes_to_the_fallback_owner() -> None:
    document = shipped()
    document["rows"] = [row for row in document["rows"] if "when" in row]
    route = table(document).route({"lead": {"State": "北海道"}}, NOW)
    assert (route.row_id, route.target, route.fallback) == (NO_ROW, None, document["fallback_owner"])


def test_a_rows_own_fallback_is_preferred_to_the_files() -> None:
    document = shipped()
    document["rows"][0]["fallback"] = "00GRM0000000001AAA"
    route = table(document).route({"lead": {"NumberOfEmployees": 5000}}, NOW)
    assert route.fallback == "00GRM0000000001AAA"


def test_rows_can_route_on_scores() -> None:
    document = shipped()
    hot = {
        "id": "routing.hot",
        "when": {"field": "scores.fit", "op": "gte", "value": 50},
        "to": {"user": "005RM0000000003YAA"},
    }
    document["rows"].insert(0, hot)
    route = table(document).route({"lead": {}, "scores": {"fit": 55, "engagement": 80}}, NOW)
    assert route.row_id == "routing.hot"


def test_an_undefined_pool_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    document = shipped()
    document["rows"][1]["to"] = {"pool": "inside_sales_wset"}
    assert problems(tmp_path, document) == [
        "/rows/1/to/pool: undefined pool 'inside_sales_wset'; did you mean 'inside_sales_west'?"
    ]


def test_a_target_naming_two_owners_is_an_error(tmp_path: Path) -> None:
    document = shipped()
    document["rows"][2]["to"] = {"pool": "inside_sales_east", "user": "005RM0000000002YAA"}
    (problem,) = problems(tmp_path, document)
    assert problem.startswith("/rows/2/to: ")
    assert "exactly one of user, queue, account_owner or pool" in problem


def test_an_owner_that_is_not_a_user_or_queue_id_is_an_error(tmp_path: Path) -> None:
    document = copy.deepcopy(shipped())
    document["fallback_owner"] = "山田 太郎"
    (problem,) = problems(tmp_path, document)
    assert problem.startswith("/fallback_owner: ")


def test_a_duplicate_row_id_and_a_bad_closure_are_errors(tmp_path: Path) -> None:
    document = shipped()
    document["rows"][2]["id"] = "routing.west"
    document["calendar"]["closures"] = [{"from": "12-32", "to": "01-03"}]
    assert problems(tmp_path, document) == [
        "/rows/2/id: duplicate row id 'routing.west' (also /rows/1/id)",
        "/calendar: '12-32' is not a month-day like 12-29",
    ]
