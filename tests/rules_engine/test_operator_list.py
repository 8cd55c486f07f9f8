"""One list of operators: the models' ``Operator`` literal. The registry compiles exactly those
operators, the JSON Schemas offer exactly those, and the rule-language guide documents each one."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest
from leadrelay.engine.models import Operator
from leadrelay.engine.operators import OPERATORS, OperatorSpec

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "rule-language.md"


def _documented_operators() -> list[str]:
    section = GUIDE.read_text(encoding="utf-8").split("### Operators\n", 1)[1].split("\n### ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [name for row in rows for name in re.findall(r"`([a-z_]+)`", row.split("|")[1])]


def test_the_registry_compiles_exactly_the_models_operators_in_their_order() -> None:
    assert tuple(OPERATORS) == get_args(Operator)


def test_the_rule_language_guide_documents_every_operator_once() -> None:
    assert sorted(_documented_operators()) == sorted(get_args(Operator))


def test_an_operator_compiles_to_a_value_test_or_a_time_test() -> None:
    with pytest.raises(TypeError, match="only one"):
        OperatorSpec()
    with pytest.raises(TypeError, match="only one"):
        OperatorSpec(test=OPERATORS["eq"].test, timed=OPERATORS["within_last"].timed)
