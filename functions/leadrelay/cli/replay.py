"""`leadrelay replay` (placeholder until its issue lands)."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    """Add the `replay` command."""
    parser = subparsers.add_parser("replay", help="(not yet available)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    print("leadrelay replay: not yet available")
    return 2
