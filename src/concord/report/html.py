"""The coordination report as one self-contained HTML file (charts inline as SVG)."""

from __future__ import annotations

from jinja2 import Environment
from markupsafe import Markup

from concord.analysis.frame import JURISDICTIONS
from concord.report.build import Report
from concord.report.template import TEMPLATE


def render_html(report: Report) -> str:
    """The report page."""
    env = Environment(autoescape=True, trim_blocks=False)
    held = [r["jurisdiction"] for r in report.figures["jurisdictions"]]
    columns = [j for j in JURISDICTIONS if j in held or j == "UN" or j == "EU"]
    return env.from_string(TEMPLATE).render(
        report=report,
        figures=report.figures,
        charts={name: Markup(svg) for name, svg in report.charts.items()},
        held=held,
        absent=[j for j in JURISDICTIONS if j not in held and j != "UN"],
        columns=columns,
    )
