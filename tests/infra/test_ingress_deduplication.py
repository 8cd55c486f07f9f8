"""``IngressDeduplication``: ``disabled`` deploys no idempotency table, and nothing is left pointing at it.

CloudFormation refuses a stack whose resources refer to a resource its condition left out, so every
reference to the idempotency table must sit under ``HasIngressDeduplication``: in a resource or output
carrying that condition, or in the true branch of an ``Fn::If`` on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tests.infra.cfn import load_template

CONDITION = "HasIngressDeduplication"
TABLE = "IdempotencyTable"


def _refers_to_table(node: Any) -> bool:
    if not isinstance(node, dict):
        return False
    if node.get("Ref") == TABLE:
        return True
    target = node.get("Fn::GetAtt")
    name = target[0] if isinstance(target, list) else str(target or "").split(".")[0]
    return name == TABLE


def _unguarded(node: Any, where: str) -> Iterator[str]:
    """Paths to references to the table that no ``Fn::If`` on the condition guards."""
    if _refers_to_table(node):
        yield where
    elif isinstance(node, dict):
        branches = node.get("Fn::If")
        if isinstance(branches, list) and branches[0] == CONDITION:
            yield from _unguarded(branches[2], f"{where}/Fn::If[false]")
            return
        for key, value in node.items():
            yield from _unguarded(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _unguarded(value, f"{where}/{index}")


def test_disabled_means_the_condition_is_false_and_the_table_is_not_created() -> None:
    template = load_template()
    assert template["Parameters"]["IngressDeduplication"]["Default"] == "enabled"
    assert template["Conditions"][CONDITION] == {"Fn::Equals": [{"Ref": "IngressDeduplication"}, "enabled"]}
    assert template["Resources"][TABLE]["Condition"] == CONDITION


def test_every_reference_to_the_idempotency_table_is_guarded_by_the_condition() -> None:
    template = load_template()
    unguarded = [
        path
        for section in ("Resources", "Outputs")
        for name, body in template[section].items()
        if name != TABLE and body.get("Condition") != CONDITION
        for path in _unguarded(body, f"{section}/{name}")
    ]
    assert not unguarded


def test_the_ingress_functions_lose_both_the_table_setting_and_its_permissions_when_disabled() -> None:
    resources = load_template()["Resources"]
    for function in ("WebhookFunction", "SalesforceEventsFunction"):
        props = resources[function]["Properties"]
        variable = props["Environment"]["Variables"]["LEADRELAY_IDEMPOTENCY_TABLE"]
        assert variable["Fn::If"][0] == CONDITION
        assert variable["Fn::If"][2] == {"Ref": "AWS::NoValue"}
        guarded = [p for p in props["Policies"] if isinstance(p, dict) and "Fn::If" in p]
        assert any(p["Fn::If"][0] == CONDITION and p["Fn::If"][2] == {"Ref": "AWS::NoValue"} for p in guarded)
