"""Shared pytest configuration. Fixture plugins live in tests/plugins/ (one module per area)."""

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
