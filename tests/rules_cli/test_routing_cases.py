"""`leadrelay rules test` also runs the routing and SLA cases (kind routing_tests) when routing.json is."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.rules_cli.conftest import CLI, SHIPPED_RULES, write

SATO, SUZUKI = "005RM0000000002YAA", "005RM0000000003YAA"


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A private copy of the whole shipped rules directory (routing reads the bundle the processor loads)."""
    return Path(shutil.copytree(SHIPPED_RULES, tmp_path / "rules"))


def test_the_shipped_routing_cases_pass(cli: CLI, shipped: Path) -> None:
    run = cli("rules", "test", shipped)

    assert run.code == 0
    assert "  PASS  佐藤が休暇中 (OutOfOffice): 鈴木へ、理由に佐藤 away" in run.out
    assert run.out.splitlines()[-1] == "routing cases: 7 passed, 0 failed"


def test_a_failing_routing_case_shows_the_owner_the_skips_and_the_deadline_it_got(
    cli: CLI, shipped: Path
) -> None:
    case = {
        "name": "金曜夕方 (wrong on purpose)",
        "now": "2026-11-20T19:00:00+09:00",
        "lead": {"State": "東京都"},
        "reps": {SATO: {"new_today": 20}},
        "expect": {
            "owner": SATO,
            "skipped": {},
            "deadlines": {"sla.first_contact/breach": "2026-11-21T19:00:00+09:00"},
        },
    }
    write(shipped / "tests" / "routing.json", {"kind": "routing_tests", "cases": [case]})

    run = cli("rules", "test", shipped, "-k", "wrong on purpose")

    assert run.code == 1
    assert f"owner  expected {SATO}  got {SUZUKI}" in run.out
    assert f"skipped  expected nobody  got {SATO} daily_cap" in run.out
    expected, got = "2026-11-21T19:00:00+09:00", "2026-11-22T19:00:00+09:00"
    assert f"deadlines.sla.first_contact/breach  expected {expected}  got {got}" in run.out
    assert f"actual: routing.east → pool inside_sales_east → {SUZUKI} (skipped {SATO} daily_cap)" in run.out


def test_a_case_naming_a_row_the_routing_file_lacks_is_refused_by_validate(cli: CLI, shipped: Path) -> None:
    case = {"name": "typo", "now": "2026-11-20T19:00:00+09:00", "expect": {"row": "routing.eats"}}
    write(shipped / "tests" / "routing.json", {"kind": "routing_tests", "cases": [case]})

    run = cli("rules", "validate", shipped)

    assert run.code == 1
    assert "/cases/0/expect/row: unknown row 'routing.eats'" in run.out + run.err
