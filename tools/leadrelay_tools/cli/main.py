"""Entry point of the ``leadrelay`` console script.

Each sub-command lives in its own module exposing ``register(subparsers)``; the module sets
``func`` on its parser, which receives the parsed arguments and returns the exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from leadrelay_tools.cli.output import terminal_safe_output

_COMMAND_MODULES = ("demo", "rules", "dlq", "local_org", "replay", "org")


def build_parser() -> argparse.ArgumentParser:
    """The full parser, sub-commands included."""
    parser = argparse.ArgumentParser(
        prog="leadrelay",
        description="A rule engine beside Salesforce: scoring, lifecycle and write-back for the MA hand-off.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in _COMMAND_MODULES:
        importlib.import_module(f"leadrelay_tools.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen command; returns the process exit code."""
    with terminal_safe_output():
        parser = build_parser()
        args = parser.parse_args(argv)
        try:
            code: int = args.func(args)
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:  # `leadrelay dlq list | head`
            return 0
        return code


if __name__ == "__main__":
    sys.exit(main())
