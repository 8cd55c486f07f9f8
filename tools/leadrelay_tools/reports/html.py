"""Self-contained HTML pages with charts: one file, opened without network access.

Charts are plotly figures. Each figure's JSON sits in its own ``<script type="application/json"
data-chart="NAME">`` block and is drawn by the plotly.js bundled inline once per page, so the page needs
no CDN — and a test (or a curious admin) reads exactly the numbers a chart shows from that block
(:func:`charts_in`). Tables are plain HTML, escaped.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

STYLE = """
body { font-family: -apple-system, "Hiragino Sans", "Noto Sans JP", "Segoe UI", sans-serif; margin: 2rem;
       color: #1d2433; max-width: 1200px; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .85rem; }
th, td { border-bottom: 1px solid #dde1e8; padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: #f4f6fa; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.summary { display: flex; gap: 1rem; flex-wrap: wrap; }
.tile { border: 1px solid #dde1e8; border-radius: 6px; padding: .6rem 1rem; min-width: 9rem; }
.tile b { display: block; font-size: 1.4rem; } .note { color: #5b6475; font-size: .85rem; }
"""
DRAW = """
document.querySelectorAll('script[data-chart]').forEach(function (block) {
  var figure = JSON.parse(block.textContent);
  var target = document.getElementById('chart-' + block.dataset.chart);
  Plotly.newPlot(target, figure.data, figure.layout, {displaylogo: false, responsive: true});
});
"""
CHART_BLOCK = re.compile(r'<script type="application/json" data-chart="([^"]+)">(.*?)</script>', re.S)


@dataclass
class Page:
    """An HTML report being assembled: headings, summary tiles, tables and charts, in order."""

    title: str
    parts: list[str] = field(default_factory=list)
    charts: dict[str, go.Figure] = field(default_factory=dict)

    def heading(self, text: str) -> None:
        """A section heading."""
        self.parts.append(f"<h2>{html.escape(text)}</h2>")

    def note(self, text: str) -> None:
        """A short paragraph of explanation."""
        self.parts.append(f'<p class="note">{html.escape(text)}</p>')

    def tiles(self, values: Mapping[str, Any]) -> None:
        """Headline numbers, one tile each (label → value)."""
        tiles = "".join(
            f'<div class="tile">{html.escape(str(label))}<b>{html.escape(_text(value))}</b></div>'
            for label, value in values.items()
        )
        self.parts.append(f'<div class="summary">{tiles}</div>')

    def table(self, rows: Sequence[Mapping[str, Any]], columns: Sequence[str], *, limit: int = 500) -> None:
        """A table of ``rows`` (at most ``limit``; the page says how many were left out)."""
        head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
        body = "".join(
            "<tr>" + "".join(_cell(row.get(c)) for c in columns) + "</tr>" for row in list(rows)[:limit]
        )
        self.parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        if len(rows) > limit:
            self.note(f"{len(rows) - limit} more rows left out; the JSON output has them all.")

    def chart(self, name: str, figure: go.Figure) -> None:
        """A chart, drawn from its own JSON block (``name``: letters, digits, dashes)."""
        if not re.fullmatch(r"[a-z0-9-]+", name) or name in self.charts:
            raise ValueError(f"chart name {name!r} must be new and made of a-z, 0-9 and '-'")
        self.charts[name] = figure
        payload = figure.to_json().replace("</", "<\\/")
        self.parts.append(
            f'<div id="chart-{name}" class="chart"></div>'
            f'<script type="application/json" data-chart="{name}">{payload}</script>'
        )

    def render(self) -> str:
        """The whole page, plotly.js inline (about 5 MB), no external reference."""
        return (
            '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">'
            f"<title>{html.escape(self.title)}</title><style>{STYLE}</style>"
            f"<script>{get_plotlyjs()}</script></head><body><h1>{html.escape(self.title)}</h1>"
            + "".join(self.parts)
            + f"<script>{DRAW}</script></body></html>"
        )


def charts_in(page: str) -> dict[str, dict[str, Any]]:
    """The figures of a rendered page by chart name (their data and layout, as drawn)."""
    return {name: json.loads(payload.replace("<\\/", "</")) for name, payload in CHART_BLOCK.findall(page)}


def bars(
    title: str, categories: Sequence[str], series: Mapping[str, Sequence[float]], *, y: str
) -> go.Figure:
    """Grouped bars: one bar per series for each category, the value written on each bar."""
    figure = go.Figure(
        [
            go.Bar(name=name, x=list(categories), y=list(values), text=list(values))
            for name, values in series.items()
        ]
    )
    figure.update_layout(title=title, barmode="group", yaxis_title=y, template="plotly_white")
    return figure


def distributions(
    title: str, bands: Sequence[str], series: Mapping[str, Sequence[int]], *, x: str
) -> go.Figure:
    """Leads per band (``"30–39"``) for each series, side by side."""
    figure = bars(title, bands, series, y="leads")
    figure.update_layout(xaxis_title=x, bargap=0.1)
    return figure


def funnel(title: str, stages: Sequence[str], series: Mapping[str, Sequence[int]]) -> go.Figure:
    """A funnel per series (stage → count), side by side."""
    figure = go.Figure(
        [
            go.Funnel(name=name, y=list(stages), x=list(values), textinfo="value")
            for name, values in series.items()
        ]
    )
    figure.update_layout(title=title, template="plotly_white")
    return figure


def _text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _cell(value: Any) -> str:
    css = ' class="num"' if isinstance(value, int | float) and not isinstance(value, bool) else ""
    return f"<td{css}>{html.escape('' if value is None else _text(value))}</td>"
