"""The coverage matrix: targets x jurisdictions, each cell the regime and listed date."""

from __future__ import annotations

from datetime import date
from typing import Any

from concord.analysis.frame import JURISDICTIONS, Filter, Frame, Listing, short


def _cell(found: list[Listing], flt: Filter) -> str:
    # Designations that pass the filter come first; others are shown in brackets so a
    # reader sees the target is sanctioned there on other grounds.
    main = sorted((x for x in found if flt.accepts(x)), key=lambda x: x.listed.until)
    other = sorted((x for x in found if not flt.accepts(x)), key=lambda x: x.listed.until)
    parts = [f"{x.regime} {short(x.listed)}" for x in main]
    parts += [f"({x.regime} {short(x.listed)})" for x in other]
    return "; ".join(parts)


def coverage(
    frame: Frame, flt: Filter | None = None, as_of: date | None = None
) -> list[dict[str, Any]]:
    """One row per target with a designation passing `flt` (in force now or on `as_of`):
    its name, country, the jurisdictions that designate it under `flt` and one cell per
    jurisdiction (every designation there, other grounds in brackets).
    """
    return frame.memo(("coverage", flt, as_of), lambda: _coverage(frame, flt, as_of))


def _coverage(
    frame: Frame, flt: Filter | None = None, as_of: date | None = None
) -> list[dict[str, Any]]:
    """`coverage` without the memo."""
    flt = flt or Filter()
    wanted = {x.target_id for x in frame.select(flt, as_of)}
    rows: list[dict[str, Any]] = []
    for tid in wanted:
        held = frame.holders(tid, None, as_of)
        covered = [j for j in JURISDICTIONS if any(flt.accepts(x) for x in held.get(j, []))]
        row: dict[str, Any] = {
            "target_id": tid,
            "name": frame.names.get(tid, ""),
            "schema": frame.schemata.get(tid, ""),
            "country": frame.country(tid),
            "covered_by": ", ".join(covered),
            "count": len(covered),
        }
        for j in JURISDICTIONS:
            row[j] = _cell(held.get(j, []), flt)
        row["entries"] = ", ".join(sorted(x.entry_key for xs in held.values() for x in xs))
        rows.append(row)
    rows.sort(key=lambda r: (-r["count"], r["name"].casefold()))
    return rows


def coverage_counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Targets per jurisdiction, and on 2+ / 3+ jurisdictions, from coverage rows."""
    out = {j: sum(1 for r in rows if j in r["covered_by"].split(", ")) for j in JURISDICTIONS}
    out["targets"] = len(rows)
    out["on 2+"] = sum(1 for r in rows if r["count"] >= 2)
    out["on 3+"] = sum(1 for r in rows if r["count"] >= 3)
    return out
