"""Reading template.yaml the way CloudFormation and SAM do, for tests of the template itself.

``load_template`` parses with cfn-lint's decoder (it understands ``!Ref``/``!GetAtt``/``!Sub``);
``transform`` runs the SAM translator offline, so tests see the IAM roles SAM really generates;
``resolve`` substitutes parameter values into a fragment (``Ref`` and simple ``Fn::Sub``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import boto3
from cfnlint.decode import decode  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
SAM_FUNCTION = "AWS::Serverless::Function"


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    """The template as a plain dict, intrinsic functions in their long form (``{"Ref": ...}``)."""
    template, problems = decode(str(path))
    if problems or template is None:
        raise ValueError(f"{path}: cannot parse: {[str(p) for p in problems]}")
    plain: dict[str, Any] = _plain(template)
    return plain


def _plain(node: Any) -> Any:
    if isinstance(node, Mapping):
        return {str(key): _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(item) for item in node]
    return node


def resources_of_type(template: Mapping[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    """Logical id -> resource, for resources of ``kind``."""
    return {name: res for name, res in template["Resources"].items() if res["Type"] == kind}


def function_properties(template: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each SAM function's properties with ``Globals.Function`` merged in (environment merged by name)."""
    defaults = template.get("Globals", {}).get("Function", {})
    merged: dict[str, dict[str, Any]] = {}
    for name, resource in resources_of_type(template, SAM_FUNCTION).items():
        props = {**copy.deepcopy(defaults), **resource["Properties"]}
        variables = {
            **defaults.get("Environment", {}).get("Variables", {}),
            **resource["Properties"].get("Environment", {}).get("Variables", {}),
        }
        props["Environment"] = {"Variables": variables}
        merged[name] = props
    return merged


def parameter_defaults(template: Mapping[str, Any]) -> dict[str, Any]:
    """Parameter name -> its ``Default`` (``None`` when it has none)."""
    return {name: spec.get("Default") for name, spec in template.get("Parameters", {}).items()}


def resolve(node: Any, values: Mapping[str, Any]) -> Any:
    """``node`` with ``Ref`` and ``Fn::Sub`` (string form) replaced from ``values``; other intrinsics kept."""
    if isinstance(node, list):
        return [resolve(item, values) for item in node]
    if not isinstance(node, Mapping):
        return node
    if set(node) == {"Ref"} and node["Ref"] in values:
        return values[node["Ref"]]
    if set(node) == {"Fn::Sub"} and isinstance(node["Fn::Sub"], str):
        return re.sub(r"\$\{([^}!]+)\}", lambda m: str(values[m.group(1)]), node["Fn::Sub"])
    return {key: resolve(value, values) for key, value in node.items()}


def transform(template: Mapping[str, Any], region: str = "us-east-1") -> dict[str, Any]:
    """The CloudFormation template SAM generates (offline: local code locations become S3 URIs)."""
    sam = copy.deepcopy(dict(template))
    sam.setdefault("Globals", {}).setdefault("Function", {})["CodeUri"] = "s3://bucket/functions.zip"
    for layer in resources_of_type(sam, "AWS::Serverless::LayerVersion").values():
        layer["Properties"]["ContentUri"] = "s3://bucket/rules.zip"
    # The SAM translator is imported here, by the tests that transform: every test process collects
    # this module, and the import alone costs about half a second of CPU.
    from samtranslator.parser.parser import Parser  # type: ignore[import-untyped]
    from samtranslator.translator.translator import Translator  # type: ignore[import-untyped]

    translator = Translator(None, Parser(), boto_session=boto3.session.Session(region_name=region))
    translated: dict[str, Any] = translator.translate(sam, parameter_values={}, get_managed_policy_map=dict)
    return translated


def policy_statements(template: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, statement) for every statement of every IAM role, inline policy and queue policy."""
    for name, resource in template["Resources"].items():
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::IAM::Role":
            for policy in (p for listed in props.get("Policies", []) for p in if_branches(listed)):
                for statement in policy["PolicyDocument"]["Statement"]:
                    yield f"{name}/{policy['PolicyName']}", statement
        elif resource["Type"] in {"AWS::IAM::Policy", "AWS::SQS::QueuePolicy"}:
            for statement in props["PolicyDocument"]["Statement"]:
                yield name, statement


def if_branches(node: Any) -> list[dict[str, Any]]:
    """A policy, or both branches of a conditional one (``Fn::If``), without ``AWS::NoValue``."""
    if isinstance(node, dict) and "Fn::If" in node:
        _, yes, no = node["Fn::If"]
        return [branch for branch in (yes, no) if isinstance(branch, dict) and "PolicyDocument" in branch]
    return [node]
