"""Shared pytest configuration. Fixture plugins live in tests/plugins/ (one module per area)."""

import os
import tempfile

import pytest

import tests.tiers  # noqa: F401  (loads the fast tier's Hypothesis profile before any test module)

pytest_plugins: list[str] = [
    "tests.plugins.botocore_data",
    "tests.plugins.localorg",
    "tests.plugins.dead_letters",
    "tests.plugins.sqs_limits",
    "tests.plugins.dynamodb_atomic",
    "tests.plugins.ingress",
    "tests.plugins.localma",
    "tests.plugins.fake_salesforce",
]


def pytest_configure(config: pytest.Config) -> None:
    """The demo and the processor write (decisions, exports, reports) to scratch directories, never into
    the checkout."""
    os.environ.setdefault("LEADRELAY_DECISION_LOG_DIR", tempfile.mkdtemp(prefix="leadrelay-decisions-"))
    os.environ.setdefault("LEADRELAY_DEMO_DIR", tempfile.mkdtemp(prefix="leadrelay-demo-"))
