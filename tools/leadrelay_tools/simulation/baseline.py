"""The baseline rule set: a rules directory, or the rules as a git ref (a tag, a branch, a commit) had them.

A ref is read with ``git archive`` into a temporary directory that lives as long as the ``with`` block:
the working tree is never touched, so an admin compares their uncommitted edit with ``main`` in place.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class BaselineError(Exception):
    """The baseline is neither a rules directory nor a git ref holding the rules (the message says why)."""


@contextmanager
def baseline_rules(baseline: str, rules: Path) -> Iterator[Path]:
    """The baseline's rules directory: ``baseline`` itself when it is a directory, else ``rules`` as the
    git ref ``baseline`` had it."""
    if Path(baseline).is_dir():
        yield Path(baseline)
        return
    git = shutil.which("git")
    if git is None:
        raise BaselineError(f"{baseline!r} is not a directory, and git is not installed to read it as a ref")
    where = rules.resolve()
    top = _git(git, where if where.is_dir() else where.parent, "rev-parse", "--show-toplevel")
    if top is None:
        raise BaselineError(f"{baseline!r} is not a directory, and {rules} is not inside a git repository")
    relative = where.relative_to(Path(top.decode().strip()))
    archive = _git(git, Path(top.decode().strip()), "archive", "--format=tar", baseline, "--", str(relative))
    if archive is None:
        raise BaselineError(f"{baseline!r} is neither a directory nor a git ref with {relative}/")
    with tempfile.TemporaryDirectory(prefix="leadrelay-baseline-") as scratch:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(scratch, filter="data")
        yield Path(scratch) / relative


def _git(git: str, cwd: Path, *args: str) -> bytes | None:
    done = subprocess.run([git, *args], cwd=cwd, capture_output=True, check=False)  # noqa: S603
    return done.stdout if done.returncode == 0 else None


def rules_with_thresholds(rules: Path, into: Path, **thresholds: float) -> Path:
    """A copy of ``rules`` at ``into`` with named thresholds of ``lifecycle.json`` changed (a proposal to
    simulate: ``rules_with_thresholds(rules, tmp, mql_engagement=60)``)."""
    shutil.rmtree(into, ignore_errors=True)
    shutil.copytree(rules, into)
    lifecycle = json.loads((into / "lifecycle.json").read_text(encoding="utf-8"))
    lifecycle["thresholds"].update(thresholds)
    (into / "lifecycle.json").write_text(
        json.dumps(lifecycle, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return into
