"""Gather every table and chart of the coordination report from the analysis functions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Any

from concord.analysis.alignment import alignment
from concord.analysis.coverage import coverage
from concord.analysis.frame import Filter, Frame, load_frame, present_jurisdictions
from concord.analysis.gaps import GapQuery, delisting_gaps, flat_rows, gaps
from concord.analysis.lags import lags
from concord.analysis.network import network_gaps
from concord.analysis.summary import headline
from concord.analysis.timeline import timeline
from concord.report import charts
from concord.report.provenance import Provenance, provenance
from concord.store import Store


@dataclass
class Report:
    """Everything the report shows: figures, tables (name -> rows) and charts (SVG)."""

    flt: Filter
    as_of: date | None
    figures: dict[str, Any]
    coverage: list[dict[str, Any]]
    gaps: dict[str, list[dict[str, Any]]]
    network: dict[str, list[dict[str, Any]]]
    delistings: list[dict[str, Any]]
    lag_summary: list[dict[str, Any]]
    lag_cases: list[dict[str, Any]]
    alignment: list[dict[str, Any]]
    timeline: list[dict[str, Any]]
    charts: dict[str, str] = field(default_factory=dict)
    provenance: Provenance | None = None

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        """Every table by sheet name, for the workbook."""
        out = {"Summary": self.figures["jurisdictions"],
               "Largest gaps": self.figures["largest_gaps"], "Coverage": self.coverage}  # fmt: skip
        out |= {f"Gaps {pair}": flat_rows(rows) for pair, rows in self.gaps.items()}
        out |= {f"Network {pair}": rows for pair, rows in self.network.items()}
        out |= {"Delistings": self.delistings, "Lags": self.lag_summary,
                "Lag cases": self.lag_cases, "Alignment": self.alignment,
                "Timeline": self.timeline}  # fmt: skip
        if self.provenance is not None:
            out["Provenance"] = self.provenance.rows()
        return out


def build_report(frame: Frame, flt: Filter | None = None, as_of: date | None = None) -> Report:
    """Compute the report's tables and charts."""
    flt = flt or Filter()
    held = present_jurisdictions(frame, flt)
    pairs = [(a, b) for a in held for b in held if a != b]
    found_gaps = {f"{a}-{b}": gaps(frame, GapQuery(a, (b,), flt, as_of=as_of)) for a, b in pairs}
    network = {f"{a}-{b}": network_gaps(frame, GapQuery(a, (b,), flt, as_of=as_of))
               for a, b in pairs}  # fmt: skip
    lag_runs = [(f"{a} then {b}", lags(frame, a, b, flt, as_of)) for a, b in combinations(held, 2)]
    cases = [{"pair": label, **c} for label, found in lag_runs for c in found.cases]
    report = Report(
        flt=flt, as_of=as_of, figures=headline(frame, flt, as_of),
        coverage=coverage(frame, flt, as_of), gaps=found_gaps,
        network={k: v for k, v in network.items() if v},
        delistings=delisting_gaps(frame, flt, as_of),
        lag_summary=[found.summary for _, found in lag_runs], lag_cases=cases,
        alignment=alignment(frame, flt, as_of), timeline=timeline(frame, flt, as_of),
    )  # fmt: skip
    report.charts = _charts(report, held, [(label, f.cases) for label, f in lag_runs])
    return report


def _charts(
    report: Report, held: list[str], lag_pairs: list[tuple[str, list[dict[str, Any]]]]
) -> dict[str, str]:
    now = [r for r in report.alignment if r["year"] == "now" and r["ground"] == "any"]
    return {
        "timeline_magnitsky": charts.timeline_chart(
            report.timeline, "magnitsky", "New Magnitsky-class designations per quarter", "2017"
        ),
        "timeline_all": charts.timeline_chart(
            report.timeline, "all", "New designations per quarter, all regimes", "2015"
        ),
        "lags": charts.lag_chart(lag_pairs),
        "alignment": charts.alignment_heatmap(
            now, held, f"Overlap of targets ({report.flt.describe()})"
        ),
    }


def write_report(
    store: Store,
    out: Path,
    xlsx: Path | None = None,
    flt: Filter | None = None,
    as_of: date | None = None,
    pdf: Path | None = None,
) -> dict[str, Any]:
    """Write the HTML report (and the workbook, and the PDF printed from the HTML by
    headless Chromium); return the headline figures."""
    from concord.report.html import render_html
    from concord.report.pdf import find_chromium, print_pdf
    from concord.report.xlsx import write_xlsx

    chromium = find_chromium() if pdf is not None else None  # refuse before the work
    report = build_report(load_frame(store), flt, as_of)
    report.provenance = provenance(store, as_of)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(report), encoding="utf-8")
    if xlsx is not None:
        xlsx.parent.mkdir(parents=True, exist_ok=True)
        write_xlsx(report.tables(), xlsx)
    if pdf is not None:
        print_pdf(out, pdf, chromium)
    return report.figures
