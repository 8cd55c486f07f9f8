"""The funnel KPIs of ``leadrelay report``: per-lead facts from the decision log or an export, the KPIs
over them, and the HTML page (docs/kpis.md defines every number)."""
