"""Gaps: targets one jurisdiction sanctions and another does not, and delisting gaps.

A target is missing in jurisdiction M when M holds no designation of it in force (under any
regime, or only the class `--missing-under` names). When M did designate it once and has
delisted it, the gap is of its own kind: `delisted`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from concord.analysis.frame import (
    Filter,
    Frame,
    Listing,
    PossibleMatch,
    jurisdiction_code,
    missing_filter,
    present_jurisdictions,
    short,
)
from concord.errors import BadInput


@dataclass(frozen=True)
class GapQuery:
    """What `concord gaps` asks: who `leader` designates (under `flt`) and `missing` lack."""

    leader: str
    missing: tuple[str, ...]
    flt: Filter = field(default_factory=Filter)
    missing_under: str | None = None
    target_country: str | None = None
    since: date | None = None
    as_of: date | None = None
    # Leave out rows whose target has a possible match on the missing list: the strict list.
    exclude_possible: bool = False

    def checked(self, frame: Frame) -> GapQuery:
        """The query with jurisdiction codes normalised, or BadInput."""
        leader = jurisdiction_code(self.leader)
        missing = tuple(jurisdiction_code(m) for m in self.missing)
        held = present_jurisdictions(frame)
        for code in (leader, *missing):
            if code not in held:
                raise BadInput(f"the store holds no list of {code} (it has {', '.join(held)})")
        if not missing or leader in missing:
            raise BadInput("missing needs one or more jurisdictions other than the leader")
        country = self.target_country.upper() if self.target_country else None
        return GapQuery(leader, missing, self.flt, self.missing_under, country, self.since,
                        self.as_of, self.exclude_possible)  # fmt: skip


def _lead(frame: Frame, query: GapQuery) -> dict[str, Listing]:
    """The leader's earliest designation of each target that passes the query."""
    out: dict[str, Listing] = {}
    for x in frame.select(query.flt, query.as_of):
        if x.jurisdiction != query.leader:
            continue
        if query.since is not None and x.listed.until < query.since:
            continue
        if query.target_country and frame.country(x.target_id) != query.target_country:
            continue
        best = out.get(x.target_id)
        if best is None or x.listed.until < best.listed.until:
            out[x.target_id] = x
    return out


def _reason(frame: Frame, lead: Listing) -> str:
    """The leader's reason, else a reason another list gives (the UK states them)."""
    if lead.reason:
        return lead.reason
    others = [x for x in frame.by_target.get(lead.target_id, []) if x.reason]
    return f"[{others[0].source}] {others[0].reason}" if others else ""


def _possible_on(frame: Frame, tid: str, code: str, query: GapQuery) -> PossibleMatch | None:
    """The best possible match of a target among the missing jurisdiction's entries that
    hold a designation in force (under `--missing-under` when given)."""
    counted = missing_filter(query.missing_under)
    for match in frame.possible.get(tid, []):
        if match.jurisdiction != code:
            continue
        held = frame.by_target.get(match.target_id, [])
        if any(x.entry_key == match.entry_key and x.in_force(query.as_of) and counted.accepts(x)
               for x in held):  # fmt: skip
            return match
    return None


def gaps(frame: Frame, query: GapQuery) -> list[dict[str, Any]]:
    """One row per (target, missing jurisdiction): the target, the leader's designation,
    whether the other never designated it or delisted it, and `possible_match`: an entry
    of the missing list that may be the same target (scored, not merged), or None."""
    return frame.memo(("gaps", query), lambda: _gaps(frame, query))


def _gaps(frame: Frame, query: GapQuery) -> list[dict[str, Any]]:
    """`gaps` without the memo."""
    query = query.checked(frame)
    counted = missing_filter(query.missing_under)
    rows: list[dict[str, Any]] = []
    for tid, lead in _lead(frame, query).items():
        mine = frame.by_target.get(tid, [])
        for code in query.missing:
            there = [x for x in mine if x.jurisdiction == code]
            if any(x.in_force(query.as_of) and counted.accepts(x) for x in there):
                continue
            ended = [x for x in there if x.ended(query.as_of) and counted.accepts(x)]
            other = [x for x in there if x.in_force(query.as_of)]
            maybe = _possible_on(frame, tid, code, query)
            if maybe is not None and query.exclude_possible:
                continue
            rows.append({
                "target_id": tid, "name": frame.names.get(tid, ""),
                "country": frame.country(tid), "leader": query.leader,
                "regime": lead.regime, "ground": lead.ground_text(),
                "listed": short(lead.listed),
                "listed_exact": lead.listed.is_exact, "entry_key": lead.entry_key,
                "missing": code, "kind": "delisted" if ended else "never designated",
                "delisted": "; ".join(f"{x.regime} {short(x.delisted)}" for x in ended),
                "other_designations": "; ".join(x.cell() for x in other),
                "reason": _reason(frame, lead),
                "possible_match": maybe.as_dict() if maybe is not None else None,
            })  # fmt: skip
    rows.sort(key=lambda r: (r["missing"], r["listed"], r["name"].casefold()))
    return rows


def delisting_gaps(
    frame: Frame, flt: Filter | None = None, as_of: date | None = None
) -> list[dict[str, Any]]:
    """Targets delisted in one jurisdiction and still designated (under `flt`) in another."""
    return frame.memo(("delisting_gaps", flt, as_of), lambda: _delisting_gaps(frame, flt, as_of))


def _delisting_gaps(
    frame: Frame, flt: Filter | None = None, as_of: date | None = None
) -> list[dict[str, Any]]:
    """`delisting_gaps` without the memo."""
    flt = flt or Filter()
    rows: list[dict[str, Any]] = []
    for tid, mine in frame.by_target.items():
        kept = {x.jurisdiction for x in mine if x.in_force(as_of) and flt.accepts(x)}
        if not kept:
            continue
        held = {x.jurisdiction for x in mine if x.in_force(as_of)}
        for x in mine:
            if x.jurisdiction in held or not x.ended(as_of) or not flt.accepts(x):
                continue
            rows.append({
                "target_id": tid, "name": frame.names.get(tid, ""),
                "country": frame.country(tid), "delisted_by": x.jurisdiction,
                "regime": x.regime, "listed": short(x.listed), "delisted": short(x.delisted),
                "entry_key": x.entry_key, "kept_by": ", ".join(sorted(kept)),
            })  # fmt: skip
    rows.sort(key=lambda r: (r["delisted_by"], r["delisted"], r["name"].casefold()))
    return rows


def gap_counts(
    frame: Frame, flt: Filter | None = None, as_of: date | None = None
) -> list[dict[str, Any]]:
    """For every ordered pair of jurisdictions held: how many targets the first designates
    under `flt` that the second does not designate at all, largest first."""
    return frame.memo(("gap_counts", flt, as_of), lambda: _gap_counts(frame, flt, as_of))


def _gap_counts(
    frame: Frame, flt: Filter | None = None, as_of: date | None = None
) -> list[dict[str, Any]]:
    """`gap_counts` without the memo."""
    flt = flt or Filter()
    held = present_jurisdictions(frame, flt)
    rows: list[dict[str, Any]] = []
    for leader in held:
        for other in held:
            if other == leader:
                continue
            found = gaps(frame, GapQuery(leader, (other,), flt, as_of=as_of))
            rows.append({"leader": leader, "missing": other, "gaps": len(found),
                         "delisted": sum(1 for r in found if r["kind"] == "delisted")})  # fmt: skip
    rows.sort(key=lambda r: -r["gaps"])
    return rows


def possible_text(match: dict[str, Any] | None) -> str:
    """A gap row's possible match in one line, for tables and files.

    >>> possible_text({"entry_key": "ca-sema:China:P1:1", "name": "Hailun Zhu",
    ...                "score": 0.622, "why": "name +3.0"})
    "ca-sema:China:P1:1 'Hailun Zhu' (score 0.622: name +3.0)"
    >>> possible_text(None)
    ''
    """
    if not match:
        return ""
    return f"{match['entry_key']} {match['name']!r} (score {match['score']}: {match['why']})"


def flat_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Gap rows for CSV, XLSX and screen tables: the possible match as one text cell."""
    return [{**r, "possible_match": possible_text(r.get("possible_match"))} for r in rows]
