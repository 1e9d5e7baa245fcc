"""Coverage, gap lists and the overview's charts, from `concord.analysis`.

Results are kept per store state (the analysis frame's), so after the first request that
follows an ingest or a resolution run, a page answers from memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from math import ceil
from typing import Any, TypeVar

from concord.analysis.alignment import alignment
from concord.analysis.coverage import coverage, coverage_counts
from concord.analysis.frame import (
    GROUND_CHOICES,
    REGIME_CHOICES,
    Filter,
    Frame,
    jurisdiction_code,
    load_frame,
    present_jurisdictions,
)
from concord.analysis.gaps import GapQuery, gap_counts, gaps
from concord.analysis.timeline import timeline
from concord.errors import BadInput
from concord.report import charts
from concord.store import Store

T = TypeVar("T")
MISSING_UNDER = ("magnitsky", "human_rights", "corruption")


def _memo(store: Store, frame: Frame, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """An answer computed once per frame (the frame is kept per store state on the store)."""
    return frame.memo(key, compute)


def parse_day(text: str | None, name: str = "as_of") -> date | None:
    """A YYYY-MM-DD form field (empty: None)."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"{name}: {text!r} is not a date YYYY-MM-DD") from None


@dataclass(frozen=True)
class Params:
    """The filters of the coverage and gap pages (empty strings from forms mean none)."""

    grounds: str = "any"
    regimes: str = "magnitsky"
    as_of: date | None = None
    country: str | None = None
    jurisdiction: str | None = None
    unstated: str = "include"

    @classmethod
    def make(cls, grounds: str = "", regimes: str = "", as_of: str = "", country: str = "",
             jurisdiction: str = "", unstated: str = "") -> Params:  # fmt: skip
        """Checked filters; BadInput names a bad value."""
        params = cls(grounds or "any", regimes or "magnitsky", parse_day(as_of),
                     country.strip().upper() or None,
                     jurisdiction_code(jurisdiction) if jurisdiction else None,
                     unstated or "include")  # fmt: skip
        params.flt  # noqa: B018  (validates grounds and regimes)
        return params

    @property
    def flt(self) -> Filter:
        """The analysis filter."""
        return Filter(self.grounds, self.regimes, self.unstated)

    def as_dict(self) -> dict[str, Any]:
        """JSON form (and the values the filter form shows)."""
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in asdict(self).items()}


def choices() -> dict[str, Any]:
    """The options of the filter forms."""
    return {"grounds": GROUND_CHOICES, "regimes": REGIME_CHOICES, "missing_under": MISSING_UNDER}


def coverage_rows(store: Store, params: Params) -> list[dict[str, Any]]:
    """Every row of the coverage matrix that passes the filters."""
    frame = load_frame(store)
    key = ("coverage", params.flt, params.as_of)
    rows = _memo(store, frame, key, lambda: coverage(frame, params.flt, params.as_of))
    if params.country:
        rows = [r for r in rows if r["country"] == params.country]
    if params.jurisdiction:
        rows = [r for r in rows if params.jurisdiction in r["covered_by"].split(", ")]
    return rows


def coverage_page(
    store: Store, params: Params, page: int = 1, per_page: int = 100
) -> dict[str, Any]:
    """One page of the coverage matrix (targets x jurisdictions) with its counts."""
    rows = coverage_rows(store, params)
    frame = load_frame(store)
    counts = _memo(store, frame, ("counts", params), lambda: coverage_counts(rows))
    pages = max(1, ceil(len(rows) / per_page))
    if page > pages:
        raise BadInput(f"page {page} is past the last page ({pages})")
    start = (page - 1) * per_page
    held = present_jurisdictions(frame, params.flt)
    return {"title": "Coverage", "filters": params.as_dict(), "choices": choices(),
            "jurisdictions": held, "counts": counts, "total": len(rows),
            "page": page, "pages": pages, "per_page": per_page,
            "rows": rows[start : start + per_page]}  # fmt: skip


def gaps_index(store: Store, params: Params) -> dict[str, Any]:
    """For every ordered pair of jurisdictions: how many targets one has and the other lacks."""
    frame = load_frame(store)
    key = ("gap_counts", params.flt, params.as_of)
    rows = _memo(store, frame, key, lambda: gap_counts(frame, params.flt, params.as_of))
    return {"title": "Gaps between jurisdictions", "filters": params.as_dict(),
            "choices": choices(), "pairs": rows}  # fmt: skip


def gap_rows(store: Store, query: GapQuery) -> list[dict[str, Any]]:
    """The gap list of a query (leader designates, the other does not)."""
    frame = load_frame(store)
    key = ("gaps", query.leader, query.missing, query.flt, query.missing_under,
           query.target_country, query.since, query.as_of)  # fmt: skip
    return _memo(store, frame, key, lambda: gaps(frame, query))


def gap_page(store: Store, query: GapQuery, params: Params) -> dict[str, Any]:
    """The gap list of one pair of jurisdictions, with its filters."""
    query = query.checked(load_frame(store))
    rows = gap_rows(store, query)
    missing = query.missing[0]
    return {"title": f"Designated by {query.leader}, not by {missing}", "leader": query.leader,
            "missing": missing, "filters": params.as_dict(), "choices": choices(),
            "missing_under": query.missing_under,
            "since": query.since.isoformat() if query.since else None,
            "total": len(rows), "delisted": sum(1 for r in rows if r["kind"] == "delisted"),
            "possible": sum(1 for r in rows if r.get("possible_match")),
            "unstated": sum(1 for r in rows if r["ground"].startswith("unstated")),
            "exclude_possible": query.exclude_possible, "rows": rows}  # fmt: skip


def _overview(store: Store, frame: Frame) -> dict[str, Any]:
    flt = Filter()
    held = present_jurisdictions(frame, flt)
    if len(held) < 2:  # nothing to compare yet (an empty or one-list store)
        return {"counts": {}, "largest_gaps": [], "timeline": [], "alignment": [], "charts": {}}
    quarters = timeline(frame, flt)
    now = [r for r in alignment(frame, flt) if r["year"] == "now" and r["ground"] == "any"]
    return {
        "counts": coverage_counts(coverage_rows(store, Params())),
        "largest_gaps": gaps_index(store, Params())["pairs"][:5],
        "timeline": quarters,
        "alignment": now,
        "charts": {
            "timeline": charts.timeline_chart(
                quarters, "magnitsky", "New Magnitsky-class designations per quarter", "2017"
            ),
            "alignment": charts.alignment_heatmap(
                now, held, "Overlap of Magnitsky-class targets (Jaccard)"
            ),
        },
    }


def overview_analysis(store: Store) -> dict[str, Any]:
    """Coordination figures, the timeline and the alignment of the Magnitsky class, with
    their charts (SVG, for the page only)."""
    frame = load_frame(store)
    return _memo(store, frame, ("overview",), lambda: _overview(store, frame))


def warm(store: Store) -> None:
    """Compute what the default pages show (the analysis frame, the overview, the default
    coverage and gap counts) and the screening index, so first visitors do not wait."""
    from concord.screen import get_index

    overview_analysis(store)
    get_index(store)
