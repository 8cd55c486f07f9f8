"""The ``leadrelay`` command line: rules, dlq, local-org, replay, demo."""
