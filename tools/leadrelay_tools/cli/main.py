"""Entry point of the ``leadrelay`` console script.

Each sub-command lives in its own module exposing ``register(subparsers)``; the module sets
``func`` on its parser, which receives the parsed arguments and returns the exit code. Only the
module of the command on the command line is imported (``leadrelay rules validate`` does not load
DuckDB, plotly or the local org); ``leadrelay --help`` imports them all to list them.

A user's situation (no region, no credentials, an endpoint out of reach, a secret or file that cannot
be read) ends as one sentence on stderr and exit 1 (:mod:`leadrelay_tools.cli.failures`); ``--debug``,
anywhere on the command line, shows the traceback instead.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

from leadrelay_tools.cli.output import terminal_safe_output

_COMMAND_MODULES = {
    "demo": "demo",
    "rules": "rules",
    "dlq": "dlq",
    "local-org": "local_org",
    "replay": "replay",
    "org": "org",
    "dedup": "dedup",
    "why": "why",
    "export": "export",
    "report": "report",
}
"""Each command's name on the command line → its module in ``leadrelay_tools.cli``."""
DEBUG_FLAG = "--debug"


def package_version() -> str:
    """The installed leadrelay version (``0+unknown`` when run from a source tree without metadata)."""
    try:
        return version("leadrelay")
    except PackageNotFoundError:
        return "0+unknown"


def build_parser(words: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser for the command line ``words``: with only the command they name, every command when
    they name none (``--help``, a typo), none for ``--version`` alone."""
    parser = argparse.ArgumentParser(
        prog="leadrelay",
        description="A rule engine beside Salesforce: scoring, lifecycle and write-back for the MA hand-off.",
    )
    parser.add_argument("--version", action="version", version=f"leadrelay {package_version()}")
    parser.add_argument(DEBUG_FLAG, action="store_true", help="show the traceback when a command fails")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in _modules_for(words):
        importlib.import_module(f"leadrelay_tools.cli.{module}").register(subparsers)
    return parser


def _modules_for(words: Sequence[str]) -> list[str]:
    named = [word for word in words if not word.startswith("-")][:1]
    if named and named[0] in _COMMAND_MODULES:
        return [_COMMAND_MODULES[named[0]]]
    if not named and "--version" in words:
        return []
    return list(_COMMAND_MODULES.values())


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen command; returns the process exit code."""
    words = list(sys.argv[1:] if argv is None else argv)
    debug = DEBUG_FLAG in words
    with terminal_safe_output():
        words = [word for word in words if word != DEBUG_FLAG]
        args = build_parser(words).parse_args(words)
        args.debug = debug
        try:
            code: int = args.func(args)
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:  # `leadrelay dlq list | head`
            return 0
        except Exception as error:
            if debug:
                raise
            from leadrelay_tools.cli.failures import describe  # only on failure: it loads botocore

            print(f"leadrelay {_command_name(args)}: {describe(error)}", file=sys.stderr)
            return 1
        return code


def _command_name(args: argparse.Namespace) -> str:
    """``dlq list``, ``rules explain``, ``replay``: the command as the user typed it."""
    sub = getattr(args, "action", None) or getattr(args, "dlq_command", None)
    return f"{args.command} {sub}" if sub else str(args.command)


if __name__ == "__main__":
    sys.exit(main())
