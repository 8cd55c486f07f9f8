"""`leadrelay rules` (placeholder until its issue lands)."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    """Add the `rules` command."""
    parser = subparsers.add_parser("rules", help="(not yet available)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    print("leadrelay rules: not yet available")
    return 2
