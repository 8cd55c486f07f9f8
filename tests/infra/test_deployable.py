"""CloudFormation accepts the template: the deploy-time rules that cfn-lint and `sam validate` do not check.

Each rule below is one CloudFormation, EventBridge, IAM, Lambda or API Gateway enforces only when the
stack is created (docs/deploy.md, "Checks that run in CI"). They are checked on what SAM generates,
because that is what CloudFormation receives.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from tests.infra.cfn import (
    TEMPLATE,
    function_properties,
    if_branches,
    load_template,
    parameter_defaults,
    resolve,
    resources_of_type,
)

# Longest values the parameters' patterns allow where a limit depends on them.
LONGEST_VALUES = {
    "SalesforceChangeEventSourceName": "aws.partner/salesforce.com/" + "0" * 18 + "/" + "0" * 18,
    "SalesforcePlatformEventSourceName": "aws.partner/salesforce.com/" + "0" * 18 + "/" + "0" * 18,
    "IntegrationUserId": "005" + "A" * 15,
    "SalesforceClientName": "c" * 40,
}
RESOLVED_ARN = "arn:aws:service:ap-northeast-1:123456789012:" + "r" * 80
"""What an unresolved intrinsic (``GetAtt``, ``Sub`` of an ARN, a queue URL) counts as in size limits."""

EVENT_PATTERN_MAX_CHARS = 2048  # EventBridge quota "Event pattern size" (default, characters)
INLINE_POLICIES_PER_ROLE_MAX_CHARS = 10_240  # IAM: aggregate inline policy size per role, whitespace aside
LAMBDA_ENVIRONMENT_MAX_BYTES = 4096  # Lambda: all environment variables of a function together
TEMPLATE_DESCRIPTION_MAX_BYTES = 1024
TEMPLATE_BODY_MAX_BYTES = 1_000_000  # from S3, as `sam deploy` uploads it
MAX_RESOURCES, MAX_PARAMETERS, MAX_OUTPUTS = 500, 200, 200


def _nulls(node: Any, where: str = "") -> Iterator[str]:
    if node is None:
        yield where or "/"
    elif isinstance(node, Mapping):
        for key, value in node.items():
            yield from _nulls(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _nulls(value, f"{where}/{index}")


def _sized(node: Any) -> Any:
    """``node`` with every remaining intrinsic function replaced by a long, realistic string."""
    if isinstance(node, list):
        return [_sized(item) for item in node]
    if isinstance(node, Mapping):
        if len(node) == 1 and (next(iter(node)) == "Ref" or next(iter(node)).startswith("Fn::")):
            return RESOLVED_ARN
        return {key: _sized(value) for key, value in node.items()}
    return node


def _compact(node: Any) -> str:
    return json.dumps(node, separators=(",", ":"), ensure_ascii=False)


def test_the_template_holds_no_null_value(template: dict[str, Any]) -> None:
    assert list(_nulls(template)) == []


def test_what_sam_generates_holds_no_null_value(deployed: dict[str, Any]) -> None:
    assert list(_nulls(deployed)) == []


def test_the_template_stays_within_cloudformations_counts(deployed: dict[str, Any]) -> None:
    assert len(deployed["Resources"]) <= MAX_RESOURCES
    assert len(deployed.get("Parameters", {})) <= MAX_PARAMETERS
    assert len(deployed.get("Outputs", {})) <= MAX_OUTPUTS


def test_the_template_description_and_body_fit_cloudformations_limits(deployed: dict[str, Any]) -> None:
    assert len(deployed["Description"].encode()) <= TEMPLATE_DESCRIPTION_MAX_BYTES
    assert len(_compact(deployed).encode()) <= TEMPLATE_BODY_MAX_BYTES
    assert TEMPLATE.stat().st_size <= TEMPLATE_BODY_MAX_BYTES


def test_every_logical_id_is_alphanumeric_and_short_enough(deployed: dict[str, Any]) -> None:
    names = [*deployed["Resources"], *deployed.get("Parameters", {}), *deployed.get("Outputs", {})]
    assert [name for name in names if not re.fullmatch(r"[A-Za-z0-9]{1,255}", name)] == []


def test_every_event_pattern_fits_eventbridges_size_limit_with_the_longest_parameters(
    deployed: dict[str, Any],
) -> None:
    values = {**parameter_defaults(deployed), **LONGEST_VALUES}
    sizes = {
        name: len(_compact(_sized(resolve(rule["Properties"]["EventPattern"], values))))
        for name, rule in resources_of_type(deployed, "AWS::Events::Rule").items()
    }
    assert sizes
    assert {name: size for name, size in sizes.items() if size > EVENT_PATTERN_MAX_CHARS} == {}


def _leaves_are_arrays(pattern: Mapping[str, Any]) -> bool:
    """EventBridge wants every matched field's values in an array (``$or`` holds patterns)."""
    for key, value in pattern.items():
        if key == "$or":
            if not all(_leaves_are_arrays(branch) for branch in value):
                return False
        elif isinstance(value, Mapping):
            if not _leaves_are_arrays(value):
                return False
        elif not isinstance(value, list):
            return False
    return True


def test_every_event_pattern_gives_its_values_as_arrays(deployed: dict[str, Any]) -> None:
    rules = resources_of_type(deployed, "AWS::Events::Rule")
    assert [
        name for name, rule in rules.items() if not _leaves_are_arrays(rule["Properties"]["EventPattern"])
    ] == []


def test_every_roles_inline_policies_fit_iams_size_limit(deployed: dict[str, Any]) -> None:
    sizes = {
        name: sum(
            len(_compact(_sized(policy["PolicyDocument"])))
            for listed in role["Properties"]["Policies"]
            for policy in if_branches(listed)  # both branches of a conditional policy count
        )
        for name, role in resources_of_type(deployed, "AWS::IAM::Role").items()
    }
    assert {name: size for name, size in sizes.items() if size > INLINE_POLICIES_PER_ROLE_MAX_CHARS} == {}


@pytest.mark.parametrize("function", sorted(function_properties(load_template())))
def test_every_functions_environment_fits_lambdas_4_kb(
    function: str, functions: dict[str, dict[str, Any]]
) -> None:
    variables = _sized(functions[function]["Environment"]["Variables"])
    size = sum(len(name.encode()) + len(str(value).encode()) for name, value in variables.items())
    assert size <= LAMBDA_ENVIRONMENT_MAX_BYTES


def test_every_access_log_format_carries_the_request_id_api_gateway_requires(
    deployed: dict[str, Any],
) -> None:
    stages = resources_of_type(deployed, "AWS::ApiGatewayV2::Stage")
    formats = [stage["Properties"]["AccessLogSettings"]["Format"] for stage in stages.values()]
    assert formats
    assert all("$context.requestId" in fmt or "$context.extendedRequestId" in fmt for fmt in formats)
