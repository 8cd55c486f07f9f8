"""`leadrelay demo` (placeholder until its issue lands)."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    """Add the `demo` command."""
    parser = subparsers.add_parser("demo", help="(not yet available)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    print("leadrelay demo: not yet available")
    return 2
