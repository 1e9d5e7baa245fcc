"""Changes at the level of targets, and the history of one target.

The list-level changes (entries added, removed, amended) come from the store
(`concord.store.changes`); here they are tied to targets: a designation that begins in a
period is "now also sanctioned by CA" when another jurisdiction already held the target,
"newly sanctioned by US" when none did; one that ends is "no longer sanctioned by UK".
The dates are the read model's (`store/designations.py`): the listed date for a first run,
the first snapshot without it for an end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from concord.analysis.frame import Frame, Listing, jurisdiction_code, short
from concord.errors import BadInput, NotFound
from concord.model import jurisdictions
from concord.model.regimes import registry
from concord.resolve.run import target
from concord.store import Store
from concord.store.changes import SnapshotDiff, diff, entry_history, source_changes


@dataclass(frozen=True)
class Period:
    """The days asked about, both ends included; None leaves a side open."""

    since: date | None = None
    until: date | None = None

    def __post_init__(self) -> None:
        if self.since and self.until and self.until < self.since:
            raise BadInput("--until must not be before --since")

    def holds(self, day: date) -> bool:
        """Whether `day` is in the period."""
        return (self.since is None or day >= self.since) and (
            self.until is None or day <= self.until
        )


def list_changes(store: Store, period: Period, source: str | None = None) -> list[SnapshotDiff]:
    """Snapshot by snapshot, every list's changes in the period (one source when given)."""
    held = sorted({r["source"] for r in store.snapshot_rows() if r["status"] == "ok"})
    if source is not None and source not in held:
        raise NotFound(f"the store holds no snapshot of {source!r} (it has {', '.join(held)})")
    names = [source] if source else held
    out: list[SnapshotDiff] = []
    for name in names:
        out.extend(source_changes(store, name, period.since, period.until))
    return sorted(out, key=lambda d: (d.after, d.source))


def _held_by(mine: list[Listing], code: str, day: date, but: Listing) -> bool:
    """Whether jurisdiction `code` held the target on `day` by a designation other than
    `but` (a relabel or a second regime is no new sanction)."""
    return any(x is not but and x.jurisdiction == code and x.in_force(day) for x in mine)


def _others(mine: list[Listing], code: str, day: date) -> list[str]:
    return sorted({x.jurisdiction for x in mine if x.jurisdiction != code and x.in_force(day)})


def _line(frame: Frame, x: Listing, kind: str, day: date, others: list[str]) -> dict[str, Any]:
    code = x.jurisdiction
    if kind == "designated":
        text = f"now also sanctioned by {code}" if others else f"newly sanctioned by {code}"
    else:
        text = f"no longer sanctioned by {code}"
    return {"date": day.isoformat(), "target_id": x.target_id,
            "name": frame.names.get(x.target_id, ""), "change": text, "kind": kind,
            "jurisdiction": code, "regime": x.regime, "entry_key": x.entry_key,
            "listed": short(x.listed), "also_by": ", ".join(others)}  # fmt: skip


def _observed(x: Listing) -> bool:
    """Whether a designation's listing was seen happen: a date from the list, or between two
    snapshots. Not one in the first snapshot held, bounded only by its regime's start."""
    if x.listed_from_list:
        return True
    regime = registry().get(x.regime)
    start = regime.in_force if regime else None
    bound = start - timedelta(days=1) if start else None
    return x.listed.after is not None and x.listed.after != bound


def _lines_of(frame: Frame, mine: list[Listing], period: Period, code: str | None
              ) -> list[dict[str, Any]]:  # fmt: skip
    """One target's designations by a jurisdiction that began or ended in the period."""
    rows: list[dict[str, Any]] = []
    for x in mine:
        if code is not None and x.jurisdiction != code:
            continue
        for run in x.runs:
            before = run.start - timedelta(days=1)
            seen = run is not x.runs[0] or _observed(x)
            if seen and period.holds(run.start) and not _held_by(mine, x.jurisdiction, before, x):
                others = _others(mine, x.jurisdiction, before)
                rows.append(_line(frame, x, "designated", run.start, others))
            end = run.end
            if end is not None and period.holds(end) and not _held_by(mine, x.jurisdiction,
                                                                      end, x):  # fmt: skip
                rows.append(_line(frame, x, "delisted", end, _others(mine, x.jurisdiction, end)))
    return rows


def target_changes(
    frame: Frame, period: Period, jurisdiction: str | None = None
) -> list[dict[str, Any]]:
    """Targets a jurisdiction began or stopped sanctioning (under any regime) in the period."""
    code = jurisdiction_code(jurisdiction) if jurisdiction else None
    rows = [r for mine in frame.by_target.values() for r in _lines_of(frame, mine, period, code)]
    unique = {(r["date"], r["target_id"], r["kind"], r["jurisdiction"]): r for r in rows}
    return sorted(unique.values(), key=lambda r: (r["date"], r["jurisdiction"], r["name"]))


def changes_report(
    store: Store, frame: Frame, period: Period, source: str | None = None
) -> dict[str, Any]:
    """What `concord changes` shows: per list and snapshot, the entries added, removed and
    amended; and the targets newly (or no longer) sanctioned by a jurisdiction."""
    diffs = list_changes(store, period, source)
    code = jurisdictions.of_source(source) if source else None
    return {
        "since": period.since.isoformat() if period.since else None,
        "until": period.until.isoformat() if period.until else None,
        "source": source,
        "snapshots": [d.summary() for d in diffs],
        "entries": [c.as_dict() for d in diffs for c in d.changes],
        "targets": target_changes(frame, period, code),
    }


def diff_report(store: Store, frame: Frame, source: str, day1: date, day2: date
                ) -> dict[str, Any]:  # fmt: skip
    """What `concord diff` shows: the entries of one list added, removed and amended between
    two snapshots, and the targets its jurisdiction began or stopped sanctioning between
    them."""
    found = diff(store, source, day1, day2)
    code = jurisdictions.of_source(source)
    targets: list[dict[str, Any]] = []
    if code is not None and found.after > found.before:  # else one snapshot: no change
        period = Period(found.before + timedelta(days=1), found.after)
        targets = target_changes(frame, period, code)
    return {"summary": found.summary(), "entries": [c.as_dict() for c in found.changes],
            "targets": targets}  # fmt: skip


def target_history(store: Store, frame: Frame, ref: str) -> dict[str, Any]:
    """Every change to every entry of a target, with dates, and when each jurisdiction
    designated or delisted it; oldest first."""
    found = target(store, ref)
    tid = found["target_id"]
    keys = [e["entry_key"] for e in found["entries"]]
    events = entry_events(store, keys)
    for line in _lines_of(frame, frame.by_target.get(tid, []), Period(), None):
        events.append({"entry_key": line["entry_key"], "source": line["entry_key"].split(":")[0],
                       "kind": line["kind"], "date": line["date"], "after": None,
                       "name": line["name"], "programs": [], "regimes": [line["regime"]],
                       "changes": [], "change": f"{line['change']} ({line['regime']}, "
                       f"listed {line['listed']})"})  # fmt: skip
    events.sort(key=lambda e: (e["date"], e["entry_key"], e["kind"]))
    return {"target_id": tid, "name": frame.names.get(tid, ""), "entries": keys,
            "events": events}  # fmt: skip


def entry_events(store: Store, keys: list[str]) -> list[dict[str, Any]]:
    """Every change to these entries, oldest first, each with a one-line `change` text."""
    events = [c.as_dict() for c in entry_history(store, keys)]
    for row in events:
        row["change"] = _change_text(row)
    return events


def _change_text(row: dict[str, Any]) -> str:
    """One line for an entry change: `added to us-ofac (GLOMAG)`, `amended: name, program`."""
    if row["kind"] == "added" and row["after"] is None:
        return f"in the first snapshot held ({', '.join(row['programs'])}): listed on or before"
    if row["kind"] in ("added", "removed"):
        return f"{row['kind']} ({', '.join(row['programs'])})"
    return "amended: " + ", ".join(f"{c['schema']}.{c['prop']}" for c in row["changes"])
