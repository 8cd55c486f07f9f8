"""Fixtures for tests of template.yaml: the parsed template and what SAM turns it into."""

from __future__ import annotations

from typing import Any

import pytest

from tests.infra.cfn import function_properties, load_template, transform


@pytest.fixture(scope="session")
def template() -> dict[str, Any]:
    """template.yaml, parsed once per session."""
    return load_template()


@pytest.fixture(scope="session")
def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each function's properties with Globals merged in, by logical id."""
    return function_properties(template)


@pytest.fixture(scope="session")
def deployed(template: dict[str, Any]) -> dict[str, Any]:
    """The CloudFormation template SAM generates from template.yaml (roles, stages, permissions)."""
    return transform(template)
