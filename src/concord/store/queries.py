"""Read the store: sources, entries, designations with their history, FtM export.

Every function takes an optional `as_of` date: the state of each source as of its newest
accepted snapshot on or before that day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

import sqlalchemy as sa

from concord.errors import NotFound
from concord.model.regimes import registry
from concord.store.designations import Designation as Designation
from concord.store.designations import designation_set
from concord.store.statement_table import statements
from concord.store.store import Store
from concord.store.tables import entries, snapshots


def designations(
    store: Store,
    source: str | None = None,
    regime: str | None = None,
    as_of: date | None = None,
    entry_key: str | None = None,
) -> list[Designation]:
    """Designations in force as of `as_of` (current when None), oldest listing first.

    With `entry_key`, every designation the entry ever had, ended ones included. All read
    from the one read model (`store/designations.py`).
    """
    return designation_set(store).select(source, regime, as_of, entry_key)


def sources_summary(store: Store) -> list[dict[str, Any]]:
    """One row per source: snapshots, newest date, entries, Magnitsky-class entries."""
    mag: dict[str, int] = defaultdict(int)
    for key in {(d.source, d.entry_key) for d in designation_set(store).select() if d.magnitsky}:
        mag[key[0]] += 1
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
