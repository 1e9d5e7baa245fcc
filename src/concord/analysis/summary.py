"""Headline coordination figures: targets per jurisdiction, targets on 2+ lists, the
largest gaps."""

from __future__ import annotations

from datetime import date
from typing import Any

from concord.analysis.coverage import coverage, coverage_counts
from concord.analysis.frame import Filter, Frame, present_jurisdictions
from concord.analysis.gaps import gap_counts


def headline(frame: Frame, flt: Filter | None = None, as_of: date | None = None) -> dict[str, Any]:
    """The figures `concord report` prints and the report opens with."""
    return frame.memo(("headline", flt, as_of), lambda: _headline(frame, flt, as_of))


def _headline(frame: Frame, flt: Filter | None = None, as_of: date | None = None) -> dict[str, Any]:
    """`headline` without the memo."""
    flt = flt or Filter()
    held = present_jurisdictions(frame, flt)
    counts = coverage_counts(coverage(frame, flt, as_of))
    every = coverage_counts(coverage(frame, Filter(flt.grounds, "all", flt.unstated), as_of))
    per = [{"jurisdiction": j, "targets": counts[j], "all_regimes": every[j]} for j in held]
    return {
        "filter": flt.describe(),
        "as_of": as_of.isoformat() if as_of else "current",
        "jurisdictions": per,
        "targets": counts["targets"],
        "on_2_plus": counts["on 2+"],
        "on_3_plus": counts["on 3+"],
        "largest_gaps": gap_counts(frame, flt, as_of)[:5],
    }


def headline_lines(figures: dict[str, Any]) -> list[str]:
    """The headline as lines of text."""
    lines = [f"Coordination ({figures['filter']}, {figures['as_of']}):"]
    per = ", ".join(f"{r['jurisdiction']} {r['targets']}" for r in figures["jurisdictions"])
    lines.append(f"  targets per jurisdiction: {per}")
    lines.append(f"  targets: {figures['targets']}; on 2+ lists: {figures['on_2_plus']}; "
                 f"on 3+ lists: {figures['on_3_plus']}")  # fmt: skip
    gaps = "; ".join(f"{g['leader']} not {g['missing']}: {g['gaps']}"
                     for g in figures["largest_gaps"])  # fmt: skip
    lines.append(f"  largest gaps: {gaps}")
    return lines
