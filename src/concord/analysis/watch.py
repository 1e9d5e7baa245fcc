"""The coordination watch: Magnitsky-class designations one jurisdiction made that the
others have not matched, how long each has stood open, and who closed it with what lag.

For each target, the jurisdiction whose Magnitsky-class designation came first (listed
date, as the read model gives it) leads. The item is open until another jurisdiction of
the campaign (US, UK, CA, EU, AU; those whose list the store holds) designates the target
under a Magnitsky-class regime; then it is closed, with the lag in days (a range where a
date is an interval, as in `lags`). The rest still not matching are whom to press.

Days open count from the leader's listed date (its last possible day, so a lower bound,
flagged `days_open_at_least`) to the close or the `as_of` day. A jurisdiction that has not
matched but sanctions the target under another regime says so (`sanctioned_otherwise`).
A jurisdiction's silence is only as recent as its newest snapshot: `lists_as_of` says
which day each list was read on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from concord.analysis.frame import Filter, Frame, Listing, jurisdiction_code, short
from concord.analysis.frame import present_jurisdictions as held_jurisdictions
from concord.analysis.lags import lag_range, lag_text
from concord.errors import BadInput
from concord.store import Store

MAGNITSKY = Filter("any", "magnitsky")
STATUSES = ("all", "open", "closed")


@dataclass(frozen=True)
class WatchQuery:
    """What `concord watch` asks: as of a day, for leaders, open or closed items."""

    as_of: date | None = None
    jurisdictions: tuple[str, ...] = ()
    status: str = "all"

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise BadInput(f"status must be one of {', '.join(STATUSES)}")


def lists_as_of(store: Store, as_of: date | None) -> dict[str, str]:
    """Each source's newest accepted snapshot on or before `as_of` (all when None)."""
    out: dict[str, str] = {}
    for row in store.snapshot_rows():
        if row["status"] == "ok" and (as_of is None or row["effective"] <= as_of):
            out[row["source"]] = row["effective"].isoformat()
    return out


def default_as_of(store: Store) -> date:
    """The newest snapshot's date: the watch of the data held (today when empty)."""
    dates = [r["effective"] for r in store.snapshot_rows() if r["status"] == "ok"]
    return max(dates) if dates else date.today()


def _firsts(frame: Frame, tid: str, as_of: date) -> dict[str, Listing]:
    """Each jurisdiction's first Magnitsky-class designation of the target by `as_of`."""
    out: dict[str, Listing] = {}
    for x in frame.by_target.get(tid, []):
        if not MAGNITSKY.accepts(x) or x.runs[0].start > as_of or x.listed.until > as_of:
            continue
        best = out.get(x.jurisdiction)
        if best is None or (x.listed.until, x.entry_key) < (best.listed.until, best.entry_key):
            out[x.jurisdiction] = x
    return out


def _item(frame: Frame, lead: Listing, firsts: dict[str, Listing], held: list[str],
          as_of: date) -> dict[str, Any]:  # fmt: skip
    followers = sorted((x for j, x in firsts.items() if j != lead.jurisdiction),
                       key=lambda x: (x.listed.until, x.jurisdiction))  # fmt: skip
    matched = [f"{x.jurisdiction} {short(x.listed)} (+{lag_text(*lag_range(lead.listed, x.listed))}"
               " days)" for x in followers]  # fmt: skip
    closer = followers[0] if followers else None
    end = closer.listed.until if closer else as_of
    lag = lag_range(lead.listed, closer.listed) if closer else None
    tid = lead.target_id
    missing = [j for j in held if j != lead.jurisdiction and j not in firsts]
    return {"target_id": tid, "name": frame.names.get(tid, ""), "country": frame.country(tid),
            "leader": lead.jurisdiction, "regime": lead.regime, "listed": short(lead.listed),
            "entry_key": lead.entry_key, "status": "closed" if closer else "open",
            "days_open": max(0, (end - lead.listed.until).days),
            "closed_by": closer.jurisdiction if closer else None,
            "closed_on": short(closer.listed) if closer else None,
            "lag": lag_text(*lag) if lag else None,
            "lag_min": None if lag is None or lag[0] == float("-inf") else int(lag[0]),
            "lag_max": None if lag is None or lag[1] == float("inf") else int(lag[1]),
            # Whether the leader surely came first: dates known as intervals may overlap.
            "order_certain": all(lag_range(lead.listed, x.listed)[0] >= 0 for x in followers),
            "matched_by": "; ".join(matched),
            "not_matched_by": ", ".join(missing),
            # A jurisdiction that has not matched may still sanction the target under
            # another regime (Canada's JVCFOA listing of Maduro; the US's under VENEZUELA):
            # not a coordinated Magnitsky-class designation, but no blank either.
            "sanctioned_otherwise": "; ".join(
                f"{j} ({', '.join(regimes)})" for j, regimes in _otherwise(frame, tid, missing,
                                                                       as_of).items()),
            "days_open_at_least": not lead.listed.is_exact and closer is None,
            "leader_in_force": lead.in_force(as_of)}  # fmt: skip


def _otherwise(frame: Frame, tid: str, missing: list[str], as_of: date) -> dict[str, list[str]]:
    """The regimes under which each of the `missing` jurisdictions sanctions the target on
    `as_of` (none of them Magnitsky-class, or it would not be missing)."""
    out: dict[str, list[str]] = {}
    for x in frame.by_target.get(tid, []):
        if x.jurisdiction in missing and x.in_force(as_of) and x.regime:
            out.setdefault(x.jurisdiction, [])
            if x.regime not in out[x.jurisdiction]:
                out[x.jurisdiction].append(x.regime)
    return {j: sorted(out[j]) for j in missing if j in out}


def watch(frame: Frame, query: WatchQuery, as_of: date) -> list[dict[str, Any]]:
    """One row per target with a Magnitsky-class designation listed by `as_of`: its leader,
    open or closed, days open, the closing jurisdiction and lag, and who has not matched.
    Open items first, longest open first; then closed ones, newest first."""
    leaders = {jurisdiction_code(j) for j in query.jurisdictions}
    held = held_jurisdictions(frame, MAGNITSKY)
    rows: list[dict[str, Any]] = []
    for tid in frame.by_target:
        firsts = _firsts(frame, tid, as_of)
        if not firsts:
            continue
        lead = min(firsts.values(), key=lambda x: (x.listed.until, x.jurisdiction))
        if leaders and lead.jurisdiction not in leaders:
            continue
        row = _item(frame, lead, firsts, held, as_of)
        if query.status in ("all", row["status"]):
            rows.append(row)
    opened = sorted(
        (r for r in rows if r["status"] == "open"),
        key=lambda r: (-r["days_open"], r["name"].casefold()),
    )
    closed = sorted(
        (r for r in rows if r["status"] == "closed"),
        key=lambda r: (r["closed_on"] or "", r["name"].casefold()),
        reverse=True,
    )
    return opened + closed  # fmt: skip


def watch_report(store: Store, frame: Frame, query: WatchQuery) -> dict[str, Any]:
    """The watch with its day, the lists' dates and counts: what the CLI, API and page show."""
    as_of = query.as_of or default_as_of(store)
    rows = watch(frame, query, as_of)
    return {"as_of": as_of.isoformat(), "lists_as_of": lists_as_of(store, as_of),
            "jurisdictions": held_jurisdictions(frame, MAGNITSKY),
            "open": sum(1 for r in rows if r["status"] == "open"),
            "closed": sum(1 for r in rows if r["status"] == "closed"), "items": rows}  # fmt: skip
