"""Read the store: sources, entries, designations with their history, FtM export.

Every function takes an optional `as_of` date: the state of each source as of its newest
accepted snapshot on or before that day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from concord.errors import NotFound
from concord.model.dates import DateInterval, parse_iso
from concord.model.regimes import registry
from concord.store.store import Store
from concord.store.tables import entries, snapshots, statements

DESIGNATION_PROPS = ("entity", "programId", "program", "listingDate", "startDate", "reason")


@dataclass
class Timeline:
    """The accepted snapshots of one source, for turning snapshot ids into intervals."""

    ids: list[int]
    dates: list[date]

    @classmethod
    def load(cls, conn: Connection, source: str) -> Timeline:
        query = (
            sa.select(snapshots.c.id, snapshots.c.effective)
            .where(snapshots.c.source == source, snapshots.c.status == "ok")
            .order_by(snapshots.c.effective, snapshots.c.id)
        )
        rows = list(conn.execute(query))
        return cls([r.id for r in rows], [r.effective for r in rows])

    def before(self, snapshot_id: int) -> date | None:
        """The date of the accepted snapshot just before `snapshot_id`."""
        index = self.ids.index(snapshot_id)
        return self.dates[index - 1] if index > 0 else None

    def after(self, snapshot_id: int) -> date | None:
        """The date of the accepted snapshot just after `snapshot_id`."""
        index = self.ids.index(snapshot_id)
        return self.dates[index + 1] if index + 1 < len(self.dates) else None

    def as_of(self, when: date | None) -> date | None:
        """The date of the snapshot that stands for the state on `when` (None: current)."""
        if not self.dates:
            return None
        if when is None:
            return self.dates[-1]
        valid = [d for d in self.dates if d <= when]
        return valid[-1] if valid else None


@dataclass
class Designation:
    """One designation of one list entry under one regime, with its history."""

    entry_key: str
    source: str
    sanction_id: str
    regime: str | None
    label: str
    listed: DateInterval
    listed_from_list: bool
    first_seen: date
    last_seen: date | None
    delisted: DateInterval | None
    reasons: list[str]

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "entry_key": self.entry_key,
            "source": self.source,
            "regime": self.regime,
            "label": self.label,
            "listed": self.listed.as_dict(),
            "listed_from_list": self.listed_from_list,
            "first_seen": self.first_seen.isoformat(),
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            "delisted": self.delisted.as_dict() if self.delisted else None,
            "reasons": self.reasons,
        }


def _valid_at(day: date | None) -> Any:
    if day is None:
        return statements.c.last_snapshot.is_(None)
    return sa.and_(
        statements.c.first_seen <= day,
        sa.or_(statements.c.last_seen.is_(None), statements.c.last_seen >= day),
    )


def _sources(conn: Connection, source: str | None) -> list[str]:
    if source is not None:
        return [source]
    query = sa.select(snapshots.c.source).where(snapshots.c.status == "ok").distinct()
    return sorted(r.source for r in conn.execute(query))


def designations(
    store: Store,
    source: str | None = None,
    regime: str | None = None,
    as_of: date | None = None,
    entry_key: str | None = None,
) -> list[Designation]:
    """Designations in force as of `as_of` (current when None), oldest listing first.

    With `entry_key`, every designation the entry ever had, ended ones included.
    """
    out: list[Designation] = []
    if entry_key is not None:
        source = entry_key.split(":", 1)[0]
    with store.read() as conn:
        for src in _sources(conn, source):
            timeline = Timeline.load(conn, src)
            day = timeline.as_of(as_of)
            if day is None:
                continue
            out.extend(_source_designations(conn, src, timeline, day if as_of else None, entry_key))
    if regime is not None:
        out = [d for d in out if d.regime == regime]
    return sorted(out, key=lambda d: (d.listed.until, d.entry_key))


def _source_designations(
    conn: Connection, source: str, timeline: Timeline, day: date | None, entry_key: str | None
) -> list[Designation]:
    live = sa.select(statements.c.entity_id).where(
        statements.c.source == source,
        statements.c.schema == "Sanction",
        statements.c.prop == "entity",
        _valid_at(day) if entry_key is None else statements.c.entry_key == entry_key,
    )
    query = (
        sa.select(statements)
        .where(
            statements.c.source == source,
            statements.c.entity_id.in_(live),
            statements.c.prop.in_(DESIGNATION_PROPS),
        )
        .order_by(statements.c.first_seen)
    )
    grouped: dict[str, list[Any]] = defaultdict(list)
    for row in conn.execute(query):
        grouped[row.entity_id].append(row)
    return [_designation(rows, timeline, day) for rows in grouped.values()]


def _designation(rows: list[Any], timeline: Timeline, day: date | None) -> Designation:
    def values(prop: str) -> list[str]:
        live = [
            r.value
            for r in rows
            if r.prop == prop and (r.last_seen is None or day is None or r.last_seen >= day)
        ]
        return sorted(set(live)) or sorted({r.value for r in rows if r.prop == prop})

    runs = [r for r in rows if r.prop == "entity"]
    # The run in force at `day` (or the current one): its start bounds the listing date.
    run = next((r for r in reversed(runs) if day is None or r.first_seen <= day), runs[-1])
    listed = DateInterval(timeline.before(run.first_snapshot), run.first_seen)
    listing_dates = [d for d in (parse_iso(v) for v in values("listingDate")) if d]
    from_list = bool(listing_dates)
    if listing_dates:
        listed = DateInterval.exact(min(listing_dates))
    delisted = None
    if run.last_snapshot is not None and (day is None or run.last_seen < day):
        gone = timeline.after(run.last_snapshot)
        delisted = DateInterval(run.last_seen, gone) if gone else None
    regime = values("programId")
    return Designation(
        entry_key=run.entry_key,
        source=run.source,
        sanction_id=run.entity_id,
        regime=regime[0] if regime else None,
        label="; ".join(values("program")),
        listed=listed,
        listed_from_list=from_list,
        first_seen=run.first_seen,
        last_seen=run.last_seen,
        delisted=delisted,
        reasons=values("reason"),
    )


def sources_summary(store: Store) -> list[dict[str, Any]]:
    """One row per source: snapshots, newest date, entries, Magnitsky-class entries."""
    magnitsky = registry().magnitsky_keys()
    rows = []
    with store.read() as conn:
        counts = {
            (r.source, r.status): (r.n, r.newest, r.oldest)
            for r in conn.execute(
                sa.select(
                    snapshots.c.source,
                    snapshots.c.status,
                    sa.func.count().label("n"),
                    sa.func.max(snapshots.c.effective).label("newest"),
                    sa.func.min(snapshots.c.effective).label("oldest"),
                ).group_by(snapshots.c.source, snapshots.c.status)
            )
        }
        present: dict[str, int] = dict(
            conn.execute(
                sa.select(entries.c.source, sa.func.count())
                .where(entries.c.present.is_(True))
                .group_by(entries.c.source)
            ).all()
        )
        mag: dict[str, int] = dict(
            conn.execute(
                sa.select(statements.c.source, sa.func.count(sa.distinct(statements.c.entry_key)))
                .where(
                    statements.c.prop == "programId",
                    statements.c.value.in_(magnitsky),
                    statements.c.last_snapshot.is_(None),
                )
                .group_by(statements.c.source)
            ).all()
        )
    for source in sorted({s for s, _ in counts}):
        ok = counts.get((source, "ok"), (0, None, None))
        rows.append(
            {
                "source": source,
                "snapshots": ok[0],
                "refused": counts.get((source, "refused"), (0, None, None))[0],
                "oldest": ok[2],
                "newest": ok[1],
                "entries": present.get(source, 0),
                "magnitsky_entries": mag.get(source, 0),
            }
        )
    return rows


def entry_rows(
    store: Store,
    source: str | None = None,
    regime: str | None = None,
    as_of: date | None = None,
    magnitsky: bool = False,
) -> list[dict[str, Any]]:
    """List entries with their designations (filtered by regime / Magnitsky class)."""
    found = designations(store, source=source, regime=regime, as_of=as_of)
    if magnitsky:
        keys = registry().magnitsky_keys()
        found = [d for d in found if d.regime in keys]
    by_entry: dict[str, list[Designation]] = defaultdict(list)
    for d in found:
        by_entry[d.entry_key].append(d)
    with store.read() as conn:
        info = {
            r.entry_key: r
            for r in conn.execute(sa.select(entries).where(entries.c.entry_key.in_(list(by_entry))))
        }
    out = []
    for key, ds in by_entry.items():
        row = info.get(key)
        out.append(
            {
                "entry_key": key,
                "schema": row.schema if row else "",
                "name": row.caption if row else "",
                "regimes": ", ".join(sorted({d.regime or d.label for d in ds})),
                "listed": "; ".join(sorted({str(d.listed) for d in ds})),
            }
        )
    return sorted(out, key=lambda r: r["entry_key"])


def entry_detail(store: Store, key: str) -> dict[str, Any]:
    """Every property of an entry's entities with first_seen / last_seen and source file."""
    with store.read() as conn:
        row = conn.execute(sa.select(entries).where(entries.c.entry_key == key)).first()
        if row is None:
            raise NotFound(f"no entry {key!r} in the store")
        files = {
            r.id: r.files
            for r in conn.execute(
                sa.select(snapshots.c.id, snapshots.c.files).where(snapshots.c.source == row.source)
            )
        }
        stmts = conn.execute(
            sa.select(statements)
            .where(statements.c.entry_key == key)
            .order_by(statements.c.entity_id, statements.c.prop, statements.c.first_seen)
        ).all()
    props = [
        {
            "entity_id": s.entity_id,
            "schema": s.schema,
            "prop": s.prop,
            "value": s.value,
            "first_seen": s.first_seen.isoformat(),
            # An open statement was last seen in the source's current snapshot.
            "last_seen": (s.last_seen or row.last_seen).isoformat(),
            "current": s.last_snapshot is None,
            "file": _file_of(files.get(s.first_snapshot, []), s.origin),
        }
        for s in stmts
    ]
    return {
        "entry_key": key,
        "source": row.source,
        "entity_id": row.entity_id,
        "schema": row.schema,
        "name": row.caption,
        "raw": row.raw,
        "present": row.present,
        "first_seen": row.first_seen.isoformat(),
        "last_seen": row.last_seen.isoformat(),
        "designations": [d.as_dict() for d in designations(store, entry_key=key)],
        "statements": props,
    }


def _file_of(files: list[str], origin: str | None) -> str | None:
    if not files:
        return None
    if origin:
        for path in files:
            name = path.rsplit("/", 1)[-1].lower()
            if name.startswith(origin) or name.startswith(f"sdn_{origin}"):
                return path
    return files[0]


def export_entities(store: Store, source: str | None = None) -> Iterator[dict[str, Any]]:
    """Current entities as FollowTheMoney dicts (one per entity id)."""
    query = sa.select(statements).where(statements.c.last_snapshot.is_(None))
    if source is not None:
        query = query.where(statements.c.source == source)
    query = query.order_by(statements.c.entity_id)
    with store.read() as conn:
        current: dict[str, Any] | None = None
        for row in conn.execution_options(yield_per=5000).execute(query):
            if current is None or current["id"] != row.entity_id:
                if current is not None:
                    yield current
                current = {
                    "id": row.entity_id,
                    "schema": row.schema,
                    "properties": {},
                    "datasets": [row.source],
                    "first_seen": row.first_seen.isoformat(),
                }
            values = current["properties"].setdefault(row.prop, [])
            if row.value not in values:
                values.append(row.value)
            current["first_seen"] = min(current["first_seen"], row.first_seen.isoformat())
        if current is not None:
            yield current
