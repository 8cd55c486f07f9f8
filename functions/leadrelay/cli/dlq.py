"""`leadrelay dlq` (placeholder until its issue lands)."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    """Add the `dlq` command."""
    parser = subparsers.add_parser("dlq", help="(not yet available)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    print("leadrelay dlq: not yet available")
    return 2
