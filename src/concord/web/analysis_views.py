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
    JURISDICTIONS,
    REGIME_CHOICES,
    Filter,
    Frame,
    Listing,
    jurisdiction_code,
    load_frame,
    present_jurisdictions,
)
from concord.analysis.gaps import GapQuery, gap_counts, gaps
from concord.analysis.timeline import timeline
from concord.errors import BadInput
from concord.model.dates import DateInterval
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
    # Every jurisdiction the store holds a list of gets a column, the UN included under a
    # Magnitsky filter: it has no such regime, but its designations (in brackets) are context.
    held = present_jurisdictions(frame)
    return {"title": "Coverage", "filters": params.as_dict(), "choices": choices(),
            "jurisdictions": held, "not_held": [j for j in JURISDICTIONS if j not in held],
            "class_jurisdictions": present_jurisdictions(frame, params.flt),
            "counts": counts, "total": len(rows),
            "page": page, "pages": pages, "per_page": per_page,
            "rows": rows[start : start + per_page]}  # fmt: skip


def gaps_index(store: Store, params: Params) -> dict[str, Any]:
    """For every ordered pair of jurisdictions: how many targets one has and the other lacks
    (and the jurisdictions held, for the form that asks for one gap list)."""
    frame = load_frame(store)
    key = ("gap_counts", params.flt, params.as_of)
    rows = _memo(store, frame, key, lambda: gap_counts(frame, params.flt, params.as_of))
    return {"title": "Gaps between jurisdictions", "filters": params.as_dict(),
            "choices": choices(), "jurisdictions": present_jurisdictions(frame, params.flt),
            "pairs": rows}  # fmt: skip


def newest_snapshot_day(store: Store) -> date | None:
    """The day of the store's newest accepted snapshot (what "now" means in a gap's age)."""
    frame = load_frame(store)

    def newest() -> date | None:
        days = [r["effective"] for r in store.snapshot_rows() if r["status"] == "ok"]
        return max(days) if days else None

    return _memo(store, frame, ("newest_snapshot_day",), newest)


def _listing(frame: Frame, row: dict[str, Any]) -> Listing | None:
    """The leader's designation behind a gap row."""
    for x in frame.by_target.get(row["target_id"], []):
        if x.entry_key == row["entry_key"] and x.regime == row["regime"]:
            return x
    return None


def days_open(listed: DateInterval, day: date) -> tuple[int, str]:
    """Days from the leader's listing to `day`: the fewest it can be, and as text (a range
    when the listing date is known only as an interval, `at least` when open-ended).

    >>> days_open(DateInterval(date(2021, 8, 24), date(2021, 11, 10)), date(2021, 12, 10))
    (30, '30-107')
    """
    fewest = (day - listed.until).days
    if listed.is_exact:
        return fewest, f"{fewest:,}"
    if listed.earliest is None:
        return fewest, f"at least {fewest:,}"
    return fewest, f"{fewest:,}-{(day - listed.earliest).days:,}"


def with_age(frame: Frame, rows: list[dict[str, Any]], day: date | None) -> list[dict[str, Any]]:
    """Gap rows with `open_since` (the leader's listed date) and `days_open` (as of `day`)."""
    out = []
    for row in rows:
        lead = _listing(frame, row)
        age = days_open(lead.listed, day) if lead is not None and day is not None else None
        out.append({**row, "open_since": row["listed"],
                    "days_open": age[0] if age else None,
                    "days_open_text": age[1] if age else ""})  # fmt: skip
    return out


def export_rows(rows: list[dict[str, Any]], base: str = "") -> list[dict[str, Any]]:
    """Gap rows for CSV and XLSX: the page's columns, flat, the target's page as a link."""
    out = []
    for r in rows:
        m = r.get("possible_match") or {}
        out.append({
            "target_id": r["target_id"], "name": r["name"], "country": r["country"],
            "target_url": f"{base}/targets/{r['target_id']}", "leader": r["leader"],
            "regime": r["regime"], "ground": r["ground"], "entry_key": r["entry_key"],
            "gap_open_since": r["open_since"], "days_open": r["days_open"],
            "days_open_range": r["days_open_text"], "missing": r["missing"],
            "kind": r["kind"], "delisted": r["delisted"],
            "other_designations": r["other_designations"], "reason": r["reason"],
            "possible_match_entry": m.get("entry_key", ""),
            "possible_match_name": m.get("name", ""),
            "possible_match_score": m.get("score", ""), "possible_match_why": m.get("why", ""),
        })  # fmt: skip
    return out


def gap_rows(store: Store, query: GapQuery) -> list[dict[str, Any]]:
    """The gap list of a query (leader designates, the other does not)."""
    frame = load_frame(store)
    key = ("gaps", query.leader, query.missing, query.flt, query.missing_under,
           query.target_country, query.since, query.as_of)  # fmt: skip
    return _memo(store, frame, key, lambda: gaps(frame, query))


def gap_page(
    store: Store, query: GapQuery, params: Params, regime: str | None = None
) -> dict[str, Any]:
    """The gap list of a leader and one or more missing jurisdictions, with its filters;
    `regime` keeps the rows of one of the leader's regimes (a key, e.g. US-GLOMAG). Each
    row says since when the gap is open and for how many days, as of `as_of` or else the
    store's newest snapshot."""
    frame = load_frame(store)
    query = query.checked(frame)
    found = gap_rows(store, query)
    regimes = sorted({r["regime"] for r in found})
    if regime and regime not in regimes:
        raise BadInput(f"regime {regime!r}: no row of this list has it ({', '.join(regimes)})")
    day = query.as_of or newest_snapshot_day(store)
    rows = with_age(frame, [r for r in found if not regime or r["regime"] == regime], day)
    missing = ", ".join(query.missing)
    return {"title": f"Designated by {query.leader}, not by {missing}", "leader": query.leader,
            "missing": ",".join(query.missing), "missing_text": missing,
            "filters": params.as_dict(), "choices": choices(),
            "jurisdictions": present_jurisdictions(frame, params.flt),
            "missing_under": query.missing_under, "regime": regime or "", "regimes": regimes,
            "since": query.since.isoformat() if query.since else None,
            "age_as_of": day.isoformat() if day else None,
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
