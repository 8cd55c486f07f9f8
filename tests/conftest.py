"""Shared pytest configuration. Fixture plugins live in tests/plugins/ (one module per area)."""

pytest_plugins: list[str] = [
    "tests.plugins.localorg",
    "tests.plugins.dead_letters",
    "tests.plugins.sqs_limits",
    "tests.plugins.ingress",
    "tests.plugins.localma",
    "tests.plugins.fake_salesforce",
]
