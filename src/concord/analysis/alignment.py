"""Alignment: pairwise overlap of jurisdictions (targets both designate, Jaccard index),
by ground and by year.

A year's figures count the designations in force on 31 December of that year, as the
listing and delisting dates tell (US listing dates as their latest possible day); the row
with year `now` counts those in force today (or on `as_of`).
"""

from __future__ import annotations

from datetime import date
from itertools import combinations
from typing import Any

from concord.analysis.frame import Filter, Frame, present_jurisdictions

FIRST_YEAR = 2017  # the US Global Magnitsky programme (EO 13818) began in December 2017
GROUNDS = ("any", "human_rights", "corruption")


def _sets(frame: Frame, flt: Filter, day: date | None) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for x in frame.select(flt, day):
        out.setdefault(x.jurisdiction, set()).add(x.target_id)
    return out


def alignment(
    frame: Frame, flt: Filter | None = None, as_of: date | None = None
) -> list[dict[str, Any]]:
    """One row per (pair of jurisdictions, ground, year); `--grounds` keeps one ground."""
    return frame.memo(("alignment", flt, as_of), lambda: _alignment(frame, flt, as_of))


def _alignment(
    frame: Frame, flt: Filter | None = None, as_of: date | None = None
) -> list[dict[str, Any]]:
    """`alignment` without the memo."""
    flt = flt or Filter()
    held = present_jurisdictions(frame, flt)
    last = (as_of or date.today()).year
    grounds = GROUNDS if flt.grounds == "any" else (flt.grounds,)
    moments: list[tuple[str, date | None]] = [
        (str(y), date(y, 12, 31))
        for y in range(FIRST_YEAR, last)
        if date(y, 12, 31) < (as_of or date.max)
    ]
    moments.append(("now", as_of))
    rows: list[dict[str, Any]] = []
    for ground in grounds:
        sub = Filter(ground, flt.regimes, flt.unstated)
        for year, day in moments:
            sets = _sets(frame, sub, day)
            for a, b in combinations(held, 2):
                sa_, sb = sets.get(a, set()), sets.get(b, set())
                both, union = len(sa_ & sb), len(sa_ | sb)
                rows.append({
                    "a": a, "b": b, "ground": ground, "year": year,
                    "count_a": len(sa_), "count_b": len(sb), "both": both,
                    "jaccard": round(both / union, 3) if union else 0.0,
                })  # fmt: skip
    return rows
