"""The coordination report as one self-contained HTML file (charts inline as SVG)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from concord import __version__
from concord.analysis.frame import JURISDICTIONS
from concord.report.build import Report
from concord.report.template import TEMPLATE


def by_country(rows: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Coverage rows grouped by target country, the largest group first (ties by code;
    targets without a stated country last)."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row.get("country") or ""].append(row)
    return sorted(groups.items(), key=lambda item: (item[0] == "", -len(item[1]), item[0]))


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
        coverage_groups=by_country(report.coverage),
        provenance=report.provenance,
        version=__version__,
    )
