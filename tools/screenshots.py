"""Regenerate the README's screenshots of the two report pages (``make screenshots``).

``leadrelay demo`` writes the pages (``.leadrelay/simulation.html``, ``.leadrelay/kpis.html``); headless
Chromium opens each one, lets plotly draw (``--virtual-time-budget``), and takes a full-page screenshot
into ``docs/images/`` at 1280 px wide. The page's height is measured first: a copy of the page with one
extra line of script writes ``document.documentElement.scrollHeight`` into the DOM, which Chromium's
``--dump-dom`` prints. A PNG over the size budget is squeezed with ``pngquant`` when it is installed.

With ``--synthetic N`` the pages are made instead from the benchmarks' seeded generators — N exported
leads under the shipped rules and a stricter MQL line (``bench/simulate``), a 90-day decision log of N
leads (``bench/report``) — so every chart has something to draw; the README's screenshots are made so
(``make screenshots``: 500 leads, so the page's table of leads that change stays short).

Chromium is looked for as ``$CHROMIUM``, ``chromium``, ``chromium-browser``, ``google-chrome``; without it
the script says so in one sentence and exits 1 (CI never runs it). Usage::

    python tools/screenshots.py [--synthetic N | --no-demo] [--out docs/images]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from leadrelay_tools.cli.report import sla_deadline
from leadrelay_tools.funnel.facts import Period, from_log
from leadrelay_tools.funnel.kpis import GroupBy, report
from leadrelay_tools.funnel.page import html_page
from leadrelay_tools.simulation.baseline import rules_with_thresholds
from leadrelay_tools.simulation.page import html_report
from leadrelay_tools.simulation.run import simulate
from leadrelay_tools.simulation.summary import summarise

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the benchmarks' generators (bench/), for --synthetic
from bench.report.__main__ import write_log  # noqa: E402
from bench.simulate.__main__ import NOW, write_export  # noqa: E402

PAGES = {"simulation": ROOT / ".leadrelay" / "simulation.html", "kpis": ROOT / ".leadrelay" / "kpis.html"}
"""The screenshot's name (``docs/images/<name>.png``) and the page ``leadrelay demo`` writes."""
WIDTH = 1280
BUDGET_MS = 5000
"""Virtual time Chromium gives the page's scripts (plotly draws in well under a second)."""
MAX_BYTES = 400_000
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
MEASURE = (
    "<script>window.addEventListener('load', () => setTimeout(() => document.body.setAttribute("
    "'data-page-height', String(document.documentElement.scrollHeight)), 1000));</script>"
)
HEIGHT = re.compile(r'data-page-height="(\d+)"')


def find_chromium() -> str | None:
    """``$CHROMIUM``, else the first Chromium or Chrome on ``PATH``."""
    named = os.environ.get("CHROMIUM")
    if named:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


def chromium_args(chromium: str, profile: Path, height: int) -> list[str]:
    """Headless, sandbox off (containers run as root), a throw-away profile, a fixed window."""
    return [
        chromium,
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--mute-audio",
        "--no-first-run",
        f"--user-data-dir={profile}",
        f"--window-size={WIDTH},{height}",
        f"--virtual-time-budget={BUDGET_MS}",
    ]


def page_height(chromium: str, page: Path, work: Path) -> int:
    """The rendered page's full height in CSS pixels (at ``WIDTH``)."""
    probe = work / f"measure-{page.name}"
    html = page.read_text(encoding="utf-8")
    probe.write_text(html.replace("</body>", MEASURE + "</body>", 1), encoding="utf-8")
    result = subprocess.run(  # noqa: S603 - our own page, Chromium found on PATH or named by the user
        [*chromium_args(chromium, work / "profile", 800), "--dump-dom", probe.as_uri()],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    found = HEIGHT.search(result.stdout)
    if found is None:
        raise RuntimeError(f"{page}: Chromium did not report the page's height")
    return int(found.group(1))


def screenshot(chromium: str, page: Path, target: Path, work: Path) -> int:
    """The full page as a PNG at ``target``; its size in bytes."""
    height = page_height(chromium, page, work)
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(  # noqa: S603 - as above
        [*chromium_args(chromium, work / "profile", height), f"--screenshot={target}", page.as_uri()],
        capture_output=True,
        timeout=180,
        check=True,
    )
    pngquant = shutil.which("pngquant")
    if target.stat().st_size > MAX_BYTES and pngquant:
        squeeze = ["--force", "--skip-if-larger", "--quality=70-95", "--output", str(target), str(target)]
        subprocess.run([pngquant, *squeeze], check=False)  # noqa: S603 - our own file
    return target.stat().st_size


def synthetic_pages(leads: int, work: Path) -> dict[str, Path]:
    """The two pages on the benchmarks' seeded data (``leads`` each), under ``work``."""
    rules = ROOT / "rules"
    export = work / "export.jsonl"
    write_export(export, leads, 20261204)
    proposed = rules_with_thresholds(rules, work / "proposed", mql_engagement=60)
    simulation = work / "simulation.html"
    summary = summarise(simulate(export, rules, proposed, now=NOW, workers=1))
    simulation.write_text(html_report(summary), encoding="utf-8")
    write_log(work / "log", leads, 14)
    period = Period(date(2026, 9, 1), date(2026, 11, 30))
    facts = from_log(work / "log", period, sla_deadline(rules), as_of=period.end)
    facts.source = f"decision log (synthetic: {leads:,} leads, python -m bench.report's generator)"
    kpis = work / "kpis.html"
    title = f"leadrelay funnel KPIs {period.first} – {period.last}"
    kpis.write_text(html_page(report(facts, GroupBy.WEEK), title), encoding="utf-8")
    return {"simulation": simulation, "kpis": kpis}


def main(argv: list[str] | None = None) -> int:
    """Write ``docs/images/<page>.png`` for each page; 1 without Chromium, 2 without the pages."""
    parser = argparse.ArgumentParser(description="Screenshot the demo's report pages for the README.")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--no-demo", action="store_true", help="use the pages already in .leadrelay/")
    source.add_argument(
        "--synthetic", type=int, metavar="N", help="pages from the benchmarks' generators, N leads each"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images", help="where the PNGs go")
    args = parser.parse_args(argv)
    chromium = find_chromium()
    if chromium is None:
        print(
            "screenshots: Chromium is not installed (apt-get install -y chromium, or set "
            "CHROMIUM=/path/to/it); the screenshots in docs/images/ are left as they are.",
            file=sys.stderr,
        )
        return 1
    with tempfile.TemporaryDirectory(prefix="leadrelay-screenshots-") as scratch:
        work = Path(scratch)
        if args.synthetic:
            pages = synthetic_pages(args.synthetic, work)
        else:
            if not args.no_demo:
                leadrelay = Path(sys.executable).with_name("leadrelay")
                demo = [str(leadrelay), "demo"]
                subprocess.run(demo, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
            pages = PAGES
        missing = [str(page) for page in pages.values() if not page.is_file()]
        if missing:
            print(f"screenshots: {', '.join(missing)} not found; run `make demo` first.", file=sys.stderr)
            return 2
        for name, page in pages.items():
            target = args.out / f"{name}.png"
            size = screenshot(chromium, page, target, work)
            over = " (over the 400 KB budget: install pngquant)" if size > MAX_BYTES else ""
            shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
            print(f"{shown}: {size / 1000:.0f} KB{over}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
