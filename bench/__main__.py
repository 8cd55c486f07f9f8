"""``python -m bench [NAME …]``: run every benchmark under bench/ (or the named ones), one process each.

A benchmark is a sub-package of ``bench`` with a ``__main__`` module. Each runs in a fresh
interpreter (``python -m bench.<name>``) so that one benchmark's imports, caches and garbage
never colour another's timings. Exits 1 when any benchmark exits non-zero.
"""

from __future__ import annotations

import argparse
import pkgutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def benchmarks() -> list[str]:
    """Names of the sub-packages of bench/ that can run as ``python -m bench.<name>``."""
    return sorted(
        info.name
        for info in pkgutil.iter_modules([str(BENCH_DIR)])
        if info.ispkg and (BENCH_DIR / info.name / "__main__.py").is_file()
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen benchmarks one after another and print a one-line summary of each."""
    available = benchmarks()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help=f"benchmarks to run (default: all: {available})"
    )
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(available))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; available: {', '.join(available)}")
    results: list[tuple[str, int, float]] = []
    for name in args.names or available:
        print(f"=== bench.{name} ===", flush=True)
        started = time.perf_counter()
        completed = subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=BENCH_DIR.parent, check=False)  # noqa: S603
        results.append((name, completed.returncode, time.perf_counter() - started))
        print(flush=True)
    for name, code, seconds in results:
        print(f"bench.{name}: {'ok' if code == 0 else f'FAILED (exit {code})'} in {seconds:.1f} s")
    return 1 if any(code for _, code, _ in results) else 0


if __name__ == "__main__":
    sys.exit(main())
