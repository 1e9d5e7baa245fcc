"""Lags: for targets two jurisdictions both designate, the days from the leader's
designation to the follower's.

Listing dates known as intervals stay intervals, so a lag is a range: with the leader listed
in (a1, u1] and the follower in (a2, u2], the lag lies in [(a2 + 1) - u1, u2 - (a1 + 1)]
days. An open start (listed on or before the first snapshot) leaves that side unbounded.
Because each true lag lies in its range, the true median lies between the median of the
lower bounds and the median of the upper bounds; the same holds for the quartiles.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from concord.analysis.frame import Filter, Frame, Listing, jurisdiction_code, short
from concord.errors import BadInput
from concord.model.dates import DateInterval

INF = float("inf")


def lag_range(leader: DateInterval, follower: DateInterval) -> tuple[float, float]:
    """The least and greatest lag in days (-inf / inf when a side is unbounded).

    >>> lag_range(DateInterval.exact(date(2020, 7, 9)), DateInterval.exact(date(2021, 3, 22)))
    (256, 256)
    >>> lag_range(DateInterval(date(2017, 1, 1), date(2017, 1, 31)),
    ...           DateInterval.exact(date(2017, 2, 10)))
    (10, 39)
    """
    low: float = -INF
    high: float = INF
    if follower.earliest is not None:
        low = (follower.earliest - leader.until).days
    if leader.earliest is not None:
        high = (follower.until - leader.earliest).days
    return low, high


def quantile(values: list[float], q: float) -> float:
    """The q-quantile by the nearest-rank rule (values sorted inside; -inf/inf allowed).

    >>> quantile([1, 2, 3, 4], 0.5), quantile([5], 0.25)
    (2, 5)
    """
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 1))  # ceil(n * q), at least 1
    return ordered[int(rank) - 1]


def _earliest(
    frame: Frame, target: str, jurisdiction: str, flt: Filter, as_of: date | None
) -> Listing | None:
    """The first designation of a target by a jurisdiction under `flt`, ended ones included:
    a move from one regime to another of the class (AU-THEMATIC to AU-HUMAN) is not a new
    designation."""
    found = [
        x for x in frame.by_target.get(target, [])
        if x.jurisdiction == jurisdiction and flt.accepts(x)
        and (as_of is None or x.runs[0].start <= as_of)
    ]  # fmt: skip
    return min(found, key=lambda x: (x.listed.until, x.entry_key)) if found else None


@dataclass
class Lags:
    """The cases and the summary of one leader -> follower comparison."""

    cases: list[dict[str, Any]]
    summary: dict[str, Any]


def lags(
    frame: Frame,
    leader: str,
    follower: str,
    flt: Filter | None = None,
    as_of: date | None = None,
) -> Lags:
    """Days between designations for every target both designate under `flt`."""
    return frame.memo(
        ("lags", leader, follower, flt, as_of), lambda: _lags(frame, leader, follower, flt, as_of)
    )


def _lags(
    frame: Frame,
    leader: str,
    follower: str,
    flt: Filter | None = None,
    as_of: date | None = None,
) -> Lags:
    """`lags` without the memo."""
    flt = flt or Filter()
    leader, follower = jurisdiction_code(leader), jurisdiction_code(follower)
    if leader == follower:
        raise BadInput("the leader and the follower must differ")
    cases: list[dict[str, Any]] = []
    for tid in {x.target_id for x in frame.select(flt, as_of)}:
        held = frame.holders(tid, flt, as_of)
        if leader not in held or follower not in held:
            continue
        first = _earliest(frame, tid, leader, flt, as_of)
        second = _earliest(frame, tid, follower, flt, as_of)
        if first is None or second is None:
            continue
        low, high = lag_range(first.listed, second.listed)
        cases.append({
            "target_id": tid, "name": frame.names.get(tid, ""), "country": frame.country(tid),
            "leader_regime": first.regime, "leader_listed": short(first.listed),
            "follower_regime": second.regime, "follower_listed": short(second.listed),
            "lag_min": _days(low), "lag_max": _days(high), "exact": low == high,
            "lag": lag_text(low, high),
            "entries": f"{first.entry_key}, {second.entry_key}",
        })  # fmt: skip
    cases.sort(key=lambda c: (c["follower_listed"], c["name"].casefold()))
    return Lags(cases, summarise(cases, leader, follower))


def _days(value: float) -> int | None:
    return None if value in (INF, -INF) else int(value)


def lag_text(low: float, high: float) -> str:
    """A lag range in days as the tables write it (the watch too): "12", "3..40", "..40"."""
    if low == high:
        return f"{int(low)}"
    left = "" if low == -INF else str(int(low))
    right = "" if high == INF else str(int(high))
    return f"{left}..{right}"


def summarise(cases: list[dict[str, Any]], leader: str, follower: str) -> dict[str, Any]:
    """Count, how many exact, and quartiles as ranges (low bound .. high bound)."""
    lows = [-INF if c["lag_min"] is None else c["lag_min"] for c in cases]
    highs = [INF if c["lag_max"] is None else c["lag_max"] for c in cases]
    out: dict[str, Any] = {
        "leader": leader, "follower": follower, "cases": len(cases),
        "exact": sum(1 for c in cases if c["exact"]),
        "follower_first": sum(1 for h in highs if h < 0),
    }  # fmt: skip
    for name, q in (("q1", 0.25), ("median", 0.5), ("q3", 0.75)):
        if cases:
            out[name] = lag_text(quantile(lows, q), quantile(highs, q))
        else:
            out[name] = ""
    return out
