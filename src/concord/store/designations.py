"""The one designation read model: every designation any list ever held, built once per store
state. Every command, page, export and the report read designations from here.

A designation is one list entry under one regime. Its facts, by rule (docs/analysis.md):

- **Listed**: the day it was designated *under that regime*. The list's regime-specific date
  where it gives one (a Sanction's `startDate`: the UK's `Date Designated`, the EU's
  `designationDate`), else the list's own listing date (`listingDate`), else the interval
  between the snapshot before it first appeared and the one it first appeared in. Never
  before the regime existed: an earlier date is kept as a warning, and the regime's start
  (bounded by the snapshots) is used.
- **The same designation**: when a list relabels a regime between snapshots (DFAT's
  `Autonomous (Thematic)` became `... Thematic - Human Rights`), the entry's designation
  under the new label carries on the old one (`Regime.continues`), with its listed date.
- **A re-keyed entry**: when a list drops an entry and, in the same snapshot, lists another
  entry of the same target (the last resolution run's) under the same regime (OFAC merging
  Kadyrov's duplicate entry 36459 into 23343, a moved Canadian schedule), the new
  designation carries on the old one's listed date, unless the list states its own date for
  it (then the list is right: the UK re-designated Iran nuclear entries on 2023-10-18).
- **Runs**: the spans in which it was listed, from the first snapshot that shows it to the
  first that no longer does; the first run starts at the listed date. A designation delisted
  and listed again (Iran's oil company under US-IRAN, 2016-2018) keeps its first listed
  date; `relisted` says when its latest run began.
- **Grounds** come with their basis: `regime` when the regime has one ground, `unstated`
  when the regime covers several and the list does not say which (US GLOMAG).

Example:
    >>> from concord.store import Store
    >>> len(designation_set(Store("sqlite://")).all)
    0
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from concord.model import jurisdictions
from concord.model.dates import DateInterval, parse_iso
from concord.model.regimes import Regime, registry
from concord.store.statement_table import statements
from concord.store.store import Store, per_state
from concord.store.tables import snapshots, target_members

PROPS = ("entity", "programId", "program", "listingDate", "startDate", "modifiedAt", "reason")


@dataclass(frozen=True)
class Run:
    """A span in which a designation was listed: known listed on `start`, and known gone on
    `end` (the first snapshot without it; None while it is listed)."""

    start: date
    end: date | None

    def holds(self, day: date) -> bool:
        """Whether the designation is known to be listed on `day`."""
        return self.start <= day and (self.end is None or self.end > day)


def runs_in_force(runs: tuple[Run, ...], as_of: date | None = None) -> bool:
    """Whether a designation with these runs is listed now (None) or was known listed on
    `as_of`."""
    if as_of is None:
        return runs[-1].end is None
    return any(run.holds(as_of) for run in runs)


def runs_ended(runs: tuple[Run, ...], as_of: date | None = None) -> bool:
    """Whether it was listed once and is known gone by `as_of` (now when None)."""
    if runs_in_force(runs, as_of):
        return False
    return any(r.end is not None and (as_of is None or r.end <= as_of) for r in runs)


@dataclass(frozen=True)
class Designation:
    """One list entry under one regime, with its history and where each fact came from."""

    entry_key: str
    source: str
    jurisdiction: str
    # The target the last resolution run put the entry in (None before any run).
    target_id: str | None
    sanction_ids: tuple[str, ...]
    regime: str | None
    label: str
    grounds: tuple[str, ...]
    # `regime`: the regime has one ground; `unstated`: it covers several, the list says none.
    grounds_basis: str
    magnitsky: bool
    listed: DateInterval
    # `regime date`, `list date`, `snapshots` or `regime start` (see the module docstring).
    listed_basis: str
    delisted: DateInterval | None
    runs: tuple[Run, ...]
    # When it was listed again after a delisting: the start of its latest run, else None.
    relisted: DateInterval | None
    first_seen: date
    last_seen: date | None
    reasons: tuple[str, ...]
    statement_ids: tuple[int, ...]
    warnings: tuple[str, ...] = ()

    @property
    def listed_from_list(self) -> bool:
        """Whether the listed date is the list's own (not inferred from snapshots)."""
        return self.listed_basis in ("regime date", "list date")

    @property
    def grounds_stated(self) -> bool:
        """Whether the list (or the regime) says the designation's ground."""
        return self.grounds_basis != "unstated"

    def in_force(self, as_of: date | None = None) -> bool:
        """Whether it is listed now (None) or was known listed on `as_of`."""
        return runs_in_force(self.runs, as_of)

    def ended(self, as_of: date | None = None) -> bool:
        """Whether it was listed once and is known gone by `as_of` (now when None)."""
        return runs_ended(self.runs, as_of)

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "entry_key": self.entry_key,
            "source": self.source,
            "jurisdiction": self.jurisdiction,
            "target_id": self.target_id,
            "regime": self.regime,
            "label": self.label,
            "grounds": list(self.grounds),
            "grounds_basis": self.grounds_basis,
            "listed": self.listed.as_dict(),
            "listed_basis": self.listed_basis,
            "listed_from_list": self.listed_from_list,
            "first_seen": self.first_seen.isoformat(),
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            "delisted": self.delisted.as_dict() if self.delisted else None,
            "relisted": self.relisted.as_dict() if self.relisted else None,
            "runs": [
                {"start": r.start.isoformat(), "end": r.end.isoformat() if r.end else None}
                for r in self.runs
            ],
            "reasons": list(self.reasons),
            "warnings": list(self.warnings),
        }


@dataclass
class DesignationSet:
    """Every designation of the store, with indexes by entry."""

    all: list[Designation]
    by_entry: dict[str, list[Designation]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        grouped: dict[str, list[Designation]] = defaultdict(list)
        for d in self.all:
            grouped[d.entry_key].append(d)
        self.by_entry = dict(grouped)

    def select(
        self,
        source: str | None = None,
        regime: str | None = None,
        as_of: date | None = None,
        entry_key: str | None = None,
    ) -> list[Designation]:
        """Designations in force now (or on `as_of`); with `entry_key`, every designation
        the entry ever had, ended ones included. Oldest listing first."""
        if entry_key is not None:
            found = list(self.by_entry.get(entry_key, []))
        else:
            found = [d for d in self.all if d.in_force(as_of)]
        if source is not None:
            found = [d for d in found if d.source == source]
        if regime is not None:
            found = [d for d in found if d.regime == regime]
        return sorted(found, key=lambda d: (d.listed.until, d.entry_key, d.regime or ""))


@dataclass
class _Timeline:
    dates: list[date]
    by_id: dict[int, int]

    def before(self, snapshot_id: int) -> date | None:
        index = self.by_id[snapshot_id]
        return self.dates[index - 1] if index > 0 else None

    def after(self, snapshot_id: int) -> date | None:
        index = self.by_id[snapshot_id]
        return self.dates[index + 1] if index + 1 < len(self.dates) else None


def _timelines(conn: Connection) -> dict[str, _Timeline]:
    rows = conn.execute(
        sa.select(snapshots.c.id, snapshots.c.source, snapshots.c.effective)
        .where(snapshots.c.status == "ok")
        .order_by(snapshots.c.source, snapshots.c.effective, snapshots.c.id)
    ).all()
    out: dict[str, _Timeline] = {}
    for row in rows:
        line = out.setdefault(row.source, _Timeline([], {}))
        line.by_id[row.id] = len(line.dates)
        line.dates.append(row.effective)
    return out


@per_state
def designation_set(store: Store) -> DesignationSet:
    """Every designation the store's lists ever held (built once per store state)."""
    with store.read() as conn:
        timelines = _timelines(conn)
        query = (
            sa.select(statements.c.id, statements.c.entity_id, statements.c.entry_key,
                      statements.c.source, statements.c.prop, statements.c.value,
                      statements.c.first_seen, statements.c.first_snapshot,
                      statements.c.last_seen, statements.c.last_snapshot)
            .where(statements.c.schema == "Sanction", statements.c.prop.in_(PROPS))
            .order_by(statements.c.first_seen, statements.c.id)
        )  # fmt: skip
        grouped: dict[str, list[Any]] = defaultdict(list)
        for row in conn.execute(query):
            grouped[row.entity_id].append(row)
        members = dict(
            conn.execute(sa.select(target_members.c.entry_key, target_members.c.target_id)).all()
        )
    built = [
        replace(d, target_id=members.get(d.entry_key))
        for rows in grouped.values()
        if rows[0].source in timelines
        and (d := _designation(rows, timelines[rows[0].source])) is not None
    ]
    return DesignationSet(_carry_rekeyed(_carry_relabels(built)))


def _dates(rows: Iterable[Any], prop: str) -> list[date]:
    return sorted({d for r in rows if r.prop == prop and (d := parse_iso(r.value))})


def _designation(rows: list[Any], timeline: _Timeline) -> Designation | None:
    runs_rows = [r for r in rows if r.prop == "entity"]
    if not runs_rows:
        return None
    first, last = runs_rows[0], runs_rows[-1]
    programs = [r.value for r in rows if r.prop == "programId"]
    regime = registry().get(programs[-1]) if programs else None
    source = first.source
    warnings: list[str] = []
    listed, basis = _listed(rows, timeline, first, regime, warnings)
    spans = [Run(r.first_seen, timeline.after(r.last_snapshot) if r.last_snapshot else None)
             for r in runs_rows]  # fmt: skip
    # The list's own date says since when it was listed, before any snapshot saw it.
    spans[0] = Run(min(spans[0].start, listed.until), spans[0].end)
    delisted = None
    if last.last_snapshot is not None:
        gone = timeline.after(last.last_snapshot)
        delisted = DateInterval(last.last_seen, gone) if gone else None
    labels = sorted({r.value for r in rows if r.prop == "program"})
    grounds = regime.grounds if regime else ()
    return Designation(
        entry_key=first.entry_key,
        source=source,
        jurisdiction=jurisdictions.of_source(source) or source,
        target_id=None,
        sanction_ids=(first.entity_id,),
        regime=regime.key if regime else None,
        label="; ".join(labels),
        grounds=grounds,
        grounds_basis="regime" if regime is None or regime.grounds_stated else "unstated",
        magnitsky=bool(regime and regime.magnitsky),
        listed=listed,
        listed_basis=basis,
        delisted=delisted,
        runs=tuple(spans),
        relisted=DateInterval(timeline.before(last.first_snapshot), last.first_seen)
        if len(runs_rows) > 1
        else None,
        first_seen=first.first_seen,
        last_seen=last.last_seen,
        reasons=tuple(sorted({r.value for r in rows if r.prop == "reason"})),
        statement_ids=tuple(r.id for r in rows),
        warnings=tuple(warnings),
    )


def _listed(
    rows: list[Any], timeline: _Timeline, first: Any, regime: Regime | None, warnings: list[str]
) -> tuple[DateInterval, str]:
    """The listed date and its basis, by the rule in the module docstring."""
    seen = DateInterval(timeline.before(first.first_snapshot), first.first_seen)
    changed = _dates((r for r in rows if r.first_snapshot == first.first_snapshot), "modifiedAt")
    if changed and (seen.after is None or changed[-1] > seen.after) and changed[-1] < seen.until:
        seen = DateInterval(seen.after, changed[-1])
    start = regime.in_force if regime else None
    for prop, basis in (("startDate", "regime date"), ("listingDate", "list date")):
        stated = _dates(rows, prop)
        if not stated:
            continue
        if start is None or stated[0] >= start:
            return DateInterval.exact(stated[0]), basis
        warnings.append(
            f"{basis} {stated[0].isoformat()} is before {regime.key if regime else ''} began "
            f"({start.isoformat()})"
        )
    if start is None:
        return seen, "snapshots"
    day_before = start - timedelta(days=1)
    if seen.until < start:
        return DateInterval.exact(start), "regime start"
    if seen.after is None or seen.after < day_before:
        # Not before the regime existed: the regime start bounds the snapshot interval.
        bounded = DateInterval(day_before, seen.until)
        return bounded, "regime start" if bounded.is_exact else "snapshots"
    return seen, "snapshots"


def _carry_relabels(found: list[Designation]) -> list[Designation]:
    """Merge a designation whose regime `continues` another of the same entry, which ended
    in the snapshot where it began: one designation relabelled, not two."""
    reg = registry()
    by_entry: dict[str, list[Designation]] = defaultdict(list)
    for d in found:
        by_entry[d.entry_key].append(d)
    out: list[Designation] = []
    for group in by_entry.values():
        absorbed: set[int] = set()
        merged: list[Designation] = []
        for d in group:
            regime = reg.get(d.regime) if d.regime else None
            olds = [
                (i, p)
                for i, p in enumerate(group)
                if regime is not None
                and p.regime in regime.continues
                and p.runs[-1].end is not None
                and p.runs[-1].end == d.first_seen
            ]
            for i, old in olds:
                absorbed.add(i)
                d = _carry(old, d)
            merged.append(d)
        out.extend(d for i, d in enumerate(merged) if i not in absorbed)
    return out


def _carry(old: Designation, new: Designation) -> Designation:
    joined = (*old.runs[:-1], Run(old.runs[-1].start, new.runs[0].end), *new.runs[1:])
    earlier = old.listed.until <= new.listed.until
    return replace(
        new,
        sanction_ids=(*old.sanction_ids, *new.sanction_ids),
        label=f"{old.label} -> {new.label}",
        listed=old.listed if earlier else new.listed,
        listed_basis=old.listed_basis if earlier else new.listed_basis,
        runs=joined,
        first_seen=old.first_seen,
        reasons=tuple(sorted({*old.reasons, *new.reasons})),
        statement_ids=(*old.statement_ids, *new.statement_ids),
        warnings=(*old.warnings, *new.warnings, f"relabelled from {old.regime}"),
    )


def _carry_rekeyed(found: list[Designation]) -> list[Designation]:
    """A designation of an entry that replaced another of the same target, list and regime
    in the snapshot where the other ended carries the other's listed date, unless the list
    states a date of its own for it. The old entry keeps its ended designation."""
    by_key: dict[tuple[str, str, str], list[Designation]] = defaultdict(list)
    for d in found:
        if d.target_id is not None and d.regime is not None:
            by_key[(d.target_id, d.source, d.regime)].append(d)
    carried: dict[int, Designation] = {}
    for group in by_key.values():
        if len(group) < 2:
            continue
        for d in group:
            if d.listed_from_list:
                continue
            olds = [p for p in group
                    if p.entry_key != d.entry_key and p.runs[-1].end == d.first_seen
                    and p.listed.until < d.listed.until]  # fmt: skip
            if olds:
                old = min(olds, key=lambda p: p.listed.until)
                carried[id(d)] = replace(
                    d, listed=old.listed, listed_basis=old.listed_basis,
                    runs=(replace(d.runs[0], start=min(d.runs[0].start, old.listed.until)),
                          *d.runs[1:]),
                    warnings=(*d.warnings, f"re-keyed from {old.entry_key}"))  # fmt: skip
    return [carried.get(id(d), d) for d in found]
