"""Timeline: new designations per jurisdiction per quarter, Magnitsky-class and all.

A designation counts once per target and jurisdiction, in the quarter of its first listing
(under the class counted). A date known only as an interval is put in the quarter of its
latest possible day; `interval` counts those whose interval spans more than that quarter.
A designation listed on or before a source's first snapshot, with no date of its own, has
no quarter: it is counted in the row `undated`.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from concord.analysis.frame import Filter, Frame, Listing, present_jurisdictions


def quarter(day: date) -> str:
    """`2020Q3` for a day in July-September 2020.

    >>> quarter(date(2020, 7, 9))
    '2020Q3'
    """
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def _firsts(frame: Frame, flt: Filter) -> list[Listing]:
    first: dict[tuple[str, str], Listing] = {}
    for x in frame.accepted(flt):
        key = (x.target_id, x.jurisdiction)
        if key not in first or x.listed.until < first[key].listed.until:
            first[key] = x
    return list(first.values())


def _bucket(x: Listing) -> str:
    return "undated" if x.listed.earliest is None else quarter(x.listed.until)


def timeline(
    frame: Frame, flt: Filter | None = None, as_of: date | None = None
) -> list[dict[str, Any]]:
    """One row per (quarter, jurisdiction): designations under `flt`, Magnitsky-class,
    all regimes (same `--grounds`), how many of the first are dated by an interval, and
    the entry keys of the first."""
    return frame.memo(("timeline", flt, as_of), lambda: _timeline(frame, flt, as_of))


def _timeline(
    frame: Frame, flt: Filter | None = None, as_of: date | None = None
) -> list[dict[str, Any]]:
    """`timeline` without the memo."""
    flt = flt or Filter()
    counts = {}
    entries: dict[tuple[str, str], list[str]] = {}
    for name, sub in (("designations", flt),
                      ("magnitsky", Filter(flt.grounds, "magnitsky", flt.unstated)),
                      ("all", Filter(flt.grounds, "all", flt.unstated))):  # fmt: skip
        found = [x for x in _firsts(frame, sub) if as_of is None or x.listed.until <= as_of]
        counts[name] = Counter((_bucket(x), x.jurisdiction) for x in found)
        if name == "designations":
            for x in found:
                entries.setdefault((_bucket(x), x.jurisdiction), []).append(x.entry_key)
            counts["interval"] = Counter(
                (_bucket(x), x.jurisdiction) for x in found
                if x.listed.earliest is not None and quarter(x.listed.earliest) != _bucket(x)
            )  # fmt: skip
    keys = sorted(set(counts["all"]) | set(counts["designations"]))
    order = {j: i for i, j in enumerate(present_jurisdictions(frame))}
    keys.sort(key=lambda k: (k[0] == "undated", k[0], order.get(k[1], 99)))
    return [{"quarter": q, "jurisdiction": j, **{n: c[(q, j)] for n, c in counts.items()},
             "entries": ", ".join(sorted(entries.get((q, j), [])))}
            for q, j in keys]  # fmt: skip
