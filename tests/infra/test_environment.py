"""The environment template.yaml sets is the environment leadrelay.settings reads."""

from __future__ import annotations

from typing import Any

import pytest
from leadrelay.settings import ENV_PREFIX, Settings

from tests.infra.cfn import function_properties, load_template, parameter_defaults, resolve

FUNCTIONS = sorted(function_properties(load_template()))
EXAMPLE_PARAMETERS = {
    "SalesforceSecretArn": "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:leadrelay/sf-AbCdEf",
    "WebhookSecretArn": "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:leadrelay/wh-AbCdEf",
    "IntegrationUserId": "005RM0000026DG5YAM",
}


def _leadrelay_variables(props: dict[str, Any]) -> dict[str, Any]:
    variables: dict[str, Any] = props["Environment"]["Variables"]
    return {name: value for name, value in variables.items() if name.startswith(ENV_PREFIX)}


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_leadrelay_variable_the_template_sets_is_a_setting(
    function: str, functions: dict[str, dict[str, Any]]
) -> None:
    names = {name[len(ENV_PREFIX) :].lower() for name in _leadrelay_variables(functions[function])}
    assert names - set(Settings.model_fields) == set()


@pytest.mark.parametrize("function", FUNCTIONS)
def test_the_settings_accept_the_values_the_template_gives_them(
    function: str, functions: dict[str, dict[str, Any]], template: dict[str, Any]
) -> None:
    values = {**parameter_defaults(template), **EXAMPLE_PARAMETERS}
    values.update({name: f"resolved-{name}" for name in template["Resources"]})
    environment = {
        name: str(value) for name, value in resolve(_leadrelay_variables(functions[function]), values).items()
    }
    settings = Settings.from_env(environment)
    assert str(settings.rules_path) == "/opt"


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_function_configures_powertools(function: str, functions: dict[str, dict[str, Any]]) -> None:
    variables = functions[function]["Environment"]["Variables"]
    assert {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "LOG_LEVEL"} <= set(variables)


def test_no_variable_holds_a_secret_value(functions: dict[str, dict[str, Any]]) -> None:
    secretish = {
        name: value
        for props in functions.values()
        for name, value in props["Environment"]["Variables"].items()
        if any(word in name for word in ("SECRET", "PASSWORD", "TOKEN", "KEY"))
    }
    assert all(isinstance(value, dict) and "Ref" in value for value in secretish.values()), secretish
    assert all(value["Ref"].endswith("Arn") for value in secretish.values()), secretish
