"""What changed in a list between snapshots: entries added, removed and amended.

Read from the statement table, which keeps every value with the first and last snapshot
that held it, so a diff needs no replay: an entry's state in a snapshot is the values whose
run covers it. An amendment names each changed property with its values before and after.

Properties that only point at another entity of the same entry (a Sanction's `entity`, an
identification's `holder`) are left out: they change only when their entity does.

Example:
    >>> from concord.store import Store
    >>> source_changes(Store("sqlite://"), "us-ofac")
    []
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from concord.errors import BadInput, NotFound
from concord.store.statement_table import statements
from concord.store.store import Store
from concord.store.tables import entries

# Links between the entities of one entry: not facts a reader of a diff wants to see.
REFERENCES = frozenset({"entity", "holder", "subject", "object"})
CHUNK = 2000  # entry keys per IN (...) query
NAMED = ("Person", "Organization", "LegalEntity", "Company", "Vessel", "Airplane")

State = dict[tuple[str, str], frozenset[str]]


@dataclass(frozen=True)
class ValueChange:
    """One property of an entry whose values differ between two snapshots."""

    schema: str
    prop: str
    old: tuple[str, ...]
    new: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON form, with the values that came and went."""
        return {"schema": self.schema, "prop": self.prop, "old": list(self.old),
                "new": list(self.new),
                "added": [v for v in self.new if v not in self.old],
                "removed": [v for v in self.old if v not in self.new]}  # fmt: skip

    def text(self) -> str:
        """`Person.name: 'A' -> 'B'`."""
        old = "; ".join(self.old) or "(none)"
        new = "; ".join(self.new) or "(none)"
        return f"{self.schema}.{self.prop}: {old} -> {new}"


@dataclass(frozen=True)
class EntryChange:
    """An entry added, removed or amended in the snapshot of `day`; the change happened
    after `before` (the previous snapshot compared), on or before `day`."""

    entry_key: str
    source: str
    kind: str  # added | removed | amended
    day: date
    before: date | None
    name: str
    programs: tuple[str, ...]
    regimes: tuple[str, ...]
    changes: tuple[ValueChange, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"entry_key": self.entry_key, "source": self.source, "kind": self.kind,
                "date": self.day.isoformat(),
                "after": self.before.isoformat() if self.before else None,
                "name": self.name, "programs": list(self.programs),
                "regimes": list(self.regimes),
                "changes": [c.as_dict() for c in self.changes]}  # fmt: skip


@dataclass(frozen=True)
class SnapshotDiff:
    """The changes of one list between the snapshot of `before` and that of `after`."""

    source: str
    before: date
    after: date
    changes: tuple[EntryChange, ...]

    def count(self, kind: str) -> int:
        """How many entries changed in this way."""
        return sum(1 for c in self.changes if c.kind == kind)

    def summary(self) -> dict[str, Any]:
        """One line: the source, the two dates and the counts."""
        return {"source": self.source, "before": self.before.isoformat(),
                "after": self.after.isoformat(), "added": self.count("added"),
                "removed": self.count("removed"), "amended": self.count("amended")}  # fmt: skip


@dataclass
class _Timeline:
    """A source's accepted snapshots in date order: ids, dates and positions."""

    ids: list[int]
    dates: list[date]

    @classmethod
    def of(cls, store: Store, conn: Connection, source: str) -> _Timeline:
        rows = store.ok_snapshots(conn, source)
        return cls([r["id"] for r in rows], [r["effective"] for r in rows])

    def at_or_before(self, day: date) -> int:
        found = [i for i, d in enumerate(self.dates) if d <= day]
        if not found:
            raise NotFound(f"no snapshot on or before {day.isoformat()}")
        return found[-1]


@dataclass(frozen=True)
class _Row:
    entry_key: str
    schema: str
    prop: str
    value: str
    first: int  # position of the first snapshot holding it
    last: int | None  # position of the last one, None while it is held

    def held(self, pos: int) -> bool:
        return self.first <= pos and (self.last is None or self.last >= pos)


def _rows(conn: Connection, line: _Timeline, keys: Iterable[str]) -> dict[str, list[_Row]]:
    """Every statement of these entries (without the references), by entry."""
    position = {sid: i for i, sid in enumerate(line.ids)}
    out: dict[str, list[_Row]] = defaultdict(list)
    ordered = sorted(set(keys))
    for start in range(0, len(ordered), CHUNK):
        query = sa.select(statements.c.entry_key, statements.c.schema, statements.c.prop,
                          statements.c.value, statements.c.first_snapshot,
                          statements.c.last_snapshot
                          ).where(statements.c.entry_key.in_(ordered[start:start + CHUNK]),
                                  statements.c.prop.not_in(REFERENCES))  # fmt: skip
        for r in conn.execute(query):
            if r.first_snapshot not in position:
                continue
            last = position.get(r.last_snapshot) if r.last_snapshot is not None else None
            out[r.entry_key].append(_Row(r.entry_key, r.schema, r.prop, r.value,
                                         position[r.first_snapshot], last))  # fmt: skip
    return out


def _state(rows: list[_Row], pos: int) -> State:
    grouped: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows:
        if r.held(pos):
            grouped[(r.schema, r.prop)].add(r.value)
    return {k: frozenset(v) for k, v in grouped.items()}


def _values(state: State, schemas: Iterable[str], prop: str) -> tuple[str, ...]:
    return tuple(sorted({v for s in schemas for v in state.get((s, prop), frozenset())}))


def _compare(key: str, source: str, old: State, new: State, days: tuple[date | None, date]
             ) -> EntryChange | None:  # fmt: skip
    """The change of one entry from state `old` to `new`, or None when there is none."""
    if old == new:
        return None
    kind = "added" if not old else "removed" if not new else "amended"
    shown = new or old
    name = _values(shown, NAMED, "name")
    changes = tuple(
        ValueChange(schema, prop, tuple(sorted(old.get((schema, prop), ()))),
                    tuple(sorted(new.get((schema, prop), ()))))
        for schema, prop in sorted(set(old) | set(new))
        if old.get((schema, prop)) != new.get((schema, prop))
    ) if kind == "amended" else ()  # fmt: skip
    return EntryChange(key, source, kind, days[1], days[0], name[0] if name else "",
                       _values(shown, ("Sanction",), "program"),
                       _values(shown, ("Sanction",), "programId"), changes)  # fmt: skip


def _touched(conn: Connection, source: str, line: _Timeline, lo: int, hi: int) -> set[str]:
    """Entries with a statement that began in positions (lo, hi] or ended in [lo, hi)."""
    began = line.ids[lo + 1 : hi + 1]
    ended = line.ids[lo:hi]
    query = (
        sa.select(statements.c.entry_key)
        .distinct()
        .where(
            statements.c.source == source,
            sa.or_(statements.c.first_snapshot.in_(began), statements.c.last_snapshot.in_(ended)),
        )
    )
    return {r[0] for r in conn.execute(query)}  # fmt: skip


def diff(store: Store, source: str, day1: date, day2: date) -> SnapshotDiff:
    """The changes of `source` from its snapshot of `day1` to that of `day2` (each the newest
    on or before that day): entries added, removed, and amended with old and new values."""
    if day2 <= day1:
        raise BadInput("the second date must be after the first")
    with store.read() as conn:
        line = _Timeline.of(store, conn, source)
        if not line.ids:
            raise NotFound(f"the store holds no snapshot of {source!r}")
        lo, hi = line.at_or_before(day1), line.at_or_before(day2)
        keys = _touched(conn, source, line, lo, hi) if hi > lo else set()
        rows = _rows(conn, line, keys)
    days = (line.dates[lo], line.dates[hi])
    found = [
        c
        for key in sorted(keys)
        if (c := _compare(key, source, _state(rows[key], lo), _state(rows[key], hi), days))
    ]
    return SnapshotDiff(source, days[0], days[1], tuple(found))  # fmt: skip


def _steps(rows: list[_Row], lo: int, hi: int) -> Iterator[int]:
    """The positions in (lo, hi] where something of the entry changed."""
    moments = {r.first for r in rows} | {r.last + 1 for r in rows if r.last is not None}
    return iter(sorted(p for p in moments if lo < p <= hi))


def source_changes(
    store: Store, source: str, since: date | None = None, until: date | None = None
) -> list[SnapshotDiff]:
    """Snapshot by snapshot, the changes of `source` seen in its snapshots dated in
    [since, until] (each compared with the one before; the first snapshot has none)."""
    with store.read() as conn:
        line = _Timeline.of(store, conn, source)
        wanted = [i for i, d in enumerate(line.dates) if i > 0
                  and (since is None or d >= since) and (until is None or d <= until)]  # fmt: skip
        if not wanted:
            return []
        lo, hi = wanted[0] - 1, wanted[-1]
        rows = _rows(conn, line, _touched(conn, source, line, lo, hi))
    by_pos: dict[int, list[EntryChange]] = defaultdict(list)
    for key, mine in sorted(rows.items()):
        for pos in _steps(mine, lo, hi):
            days = (line.dates[pos - 1], line.dates[pos])
            found = _compare(key, source, _state(mine, pos - 1), _state(mine, pos), days)
            if found is not None:
                by_pos[pos].append(found)
    return [SnapshotDiff(source, line.dates[p - 1], line.dates[p], tuple(by_pos.get(p, [])))
            for p in wanted]  # fmt: skip


def entry_history(store: Store, keys: Iterable[str]) -> list[EntryChange]:
    """Every change to these entries across their lists' snapshots, oldest first. An entry
    in its list's first snapshot is `added` with no `before`: it was listed on or before."""
    wanted = sorted(set(keys))
    by_source: dict[str, list[str]] = defaultdict(list)
    out: list[EntryChange] = []
    with store.read() as conn:
        query = sa.select(entries.c.entry_key, entries.c.source)
        for key, source in conn.execute(query.where(entries.c.entry_key.in_(wanted))):
            by_source[source].append(key)
        for source, mine in by_source.items():
            line = _Timeline.of(store, conn, source)
            for key, rows in sorted(_rows(conn, line, mine).items()):
                for pos in _steps(rows, -1, len(line.ids) - 1):
                    old = _state(rows, pos - 1) if pos > 0 else {}
                    days = (line.dates[pos - 1] if pos > 0 else None, line.dates[pos])
                    found = _compare(key, source, old, _state(rows, pos), days)
                    if found is not None:
                        out.append(found)
    return sorted(out, key=lambda c: (c.day, c.entry_key))
