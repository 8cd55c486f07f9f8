"""`make screenshots` (tools/screenshots.py) without Chromium: one sentence and exit 1, never a traceback —
and CI, which has no Chromium, never photographs anything."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_without_chromium_the_script_says_so_in_one_sentence(tmp_path: Path) -> None:
    environment = {**os.environ, "PATH": str(tmp_path), "CHROMIUM": ""}

    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(ROOT / "tools" / "screenshots.py"), "--out", str(tmp_path / "images")],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )

    assert done.returncode == 1
    assert done.stderr.startswith("screenshots: Chromium is not installed (apt-get install -y chromium")
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert not (tmp_path / "images").exists()
