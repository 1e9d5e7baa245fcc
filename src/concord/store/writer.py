"""Apply one parsed snapshot to the store, atomically, as a diff against the current state.

Only entries whose raw content changed (by fingerprint) are built and compared, so a new
snapshot of a 15,000-entry list that changed in 40 entries costs 40 builds. A statement
that a snapshot no longer holds is closed at the previous snapshot; one whose component
file is absent from this snapshot (e.g. `alt.csv` missing from an OFAC folder that has
only `sdn.csv`) is carried forward, since absence of the file says nothing about it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol

import sqlalchemy as sa
from followthemoney import StatementEntity
from sqlalchemy.engine import Connection

from concord.errors import Conflict
from concord.store.store import Store
from concord.store.tables import entries, snapshots, statements

BATCH = 500


class EntryRecord(Protocol):
    """What the writer needs of a list entry (see `concord.sources.base.Record`)."""

    @property
    def local_id(self) -> str: ...
    @property
    def fingerprint(self) -> str: ...
    @property
    def build(self) -> Callable[[], list[StatementEntity]]: ...
    @property
    def raw(self) -> Mapping[str, str]: ...


@dataclass
class SnapshotInput:
    """One snapshot ready to be written: where it came from and its records."""

    source: str
    observed: date
    path: str
    files: list[str]
    sha256: str
    records: Sequence[EntryRecord]
    published: date | None = None
    format: str | None = None
    components: frozenset[str] = frozenset()
    warnings: list[str] = field(default_factory=list)

    @property
    def effective(self) -> date:
        """The file's own publication date wins over the folder date."""
        return self.published or self.observed


@dataclass
class Changes:
    """What a snapshot changed: entries added, removed, changed, and statement counts."""

    added: int = 0
    removed: int = 0
    changed: int = 0
    unchanged: int = 0
    statements_opened: int = 0
    statements_closed: int = 0

    def as_dict(self) -> dict[str, int]:
        """A plain dict for JSON."""
        return dict(self.__dict__)


def stmt_hash(entity_id: str, schema: str, prop: str, value: str, lang: str | None) -> str:
    """The identity of a statement: the same fact in two snapshots hashes the same."""
    text = "\x1f".join((entity_id, schema, prop, value, lang or ""))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def insert_snapshot_row(
    conn: Connection,
    snap: SnapshotInput,
    status: str,
    message: str | None = None,
    entry_count: int | None = None,
) -> int:
    """Record a snapshot (accepted or refused); returns its id."""
    result = conn.execute(
        snapshots.insert().values(
            source=snap.source,
            observed=snap.observed,
            published=snap.published,
            effective=snap.effective,
            path=snap.path,
            files=snap.files,
            format=snap.format,
            sha256=snap.sha256,
            entry_count=entry_count,
            status=status,
            message=message,
            warnings=list(snap.warnings),
            ingested_at=_now(),
        )
    )
    key = result.inserted_primary_key
    if key is None:
        raise Conflict("the database did not return the new snapshot's id")
    return int(key[0])


def _unique(records: Sequence[EntryRecord]) -> dict[str, EntryRecord]:
    out: dict[str, EntryRecord] = {}
    for record in records:
        if record.local_id in out:
            raise Conflict(f"two records with the same id {record.local_id!r} in one snapshot")
        out[record.local_id] = record
    return out


class SnapshotWriter:
    """Writes one snapshot of one source inside one transaction."""

    def __init__(self, store: Store, conn: Connection, snap: SnapshotInput) -> None:
        self.store = store
        self.conn = conn
        self.snap = snap
        self.changes = Changes()
        self.prev = store.current_snapshot(conn, snap.source)
        if self.prev is not None and snap.effective < self.prev["effective"]:
            raise Conflict(
                f"{snap.source} snapshot {snap.effective} is older than the current "
                f"{self.prev['effective']}; rebuild the source to insert it"
            )
        self.snapshot_id = 0

    def write(self) -> Changes:
        """Apply the snapshot; the caller's transaction makes it atomic."""
        records = _unique(self.snap.records)
        self.snapshot_id = insert_snapshot_row(self.conn, self.snap, "ok", entry_count=len(records))
        known = self._known_entries()
        changed = [
            r
            for key, r in records.items()
            if key not in known or known[key] != (r.fingerprint, True)
        ]
        self.changes.unchanged = len(records) - len(changed)
        for start in range(0, len(changed), BATCH):
            self._apply_changed(changed[start : start + BATCH], known)
        gone = [key for key, (_, present) in known.items() if present and key not in records]
        self.changes.removed = len(gone)
        for start in range(0, len(gone), BATCH):
            self._close_entries(gone[start : start + BATCH])
        self._touch_present()
        self.conn.execute(
            snapshots.update()
            .where(snapshots.c.id == self.snapshot_id)
            .values(changes=self.changes.as_dict())
        )
        return self.changes

    def _key(self, local_id: str) -> str:
        return f"{self.snap.source}:{local_id}"

    def _known_entries(self) -> dict[str, tuple[str, bool]]:
        query = sa.select(entries.c.local_id, entries.c.fingerprint, entries.c.present).where(
            entries.c.source == self.snap.source
        )
        return {
            row.local_id: (row.fingerprint, bool(row.present)) for row in self.conn.execute(query)
        }

    def _open_statements(self, keys: Iterable[str]) -> dict[str, dict[str, tuple[int, str | None]]]:
        query = sa.select(
            statements.c.id, statements.c.entry_key, statements.c.stmt_id, statements.c.origin
        ).where(statements.c.entry_key.in_(list(keys)), statements.c.last_snapshot.is_(None))
        out: dict[str, dict[str, tuple[int, str | None]]] = {}
        for row in self.conn.execute(query):
            out.setdefault(row.entry_key, {})[row.stmt_id] = (row.id, row.origin)
        return out

    def _apply_changed(self, batch: list[EntryRecord], known: dict[str, tuple[str, bool]]) -> None:
        opened = self._open_statements(self._key(r.local_id) for r in batch)
        to_insert: list[dict[str, Any]] = []
        to_close: list[int] = []
        entry_rows: list[dict[str, Any]] = []
        for record in batch:
            key = self._key(record.local_id)
            built = record.build()
            new = self._statement_rows(key, built)
            old = opened.get(key, {})
            for sid, (row_id, origin) in old.items():
                if sid not in new and (
                    origin is None or origin in self.snap.components or not self.snap.components
                ):
                    to_close.append(row_id)
            to_insert.extend(row for sid, row in new.items() if sid not in old)
            entry_rows.append(self._entry_row(record, key, built))
            if record.local_id in known:
                self.changes.changed += 1
            else:
                self.changes.added += 1
        self._close(to_close)
        if to_insert:
            self.conn.execute(statements.insert(), to_insert)
        self.changes.statements_opened += len(to_insert)
        self._upsert_entries(entry_rows, known)

    def _statement_rows(self, key: str, built: list[StatementEntity]) -> dict[str, dict[str, Any]]:
        rows: dict[str, dict[str, Any]] = {}
        snap_date, snap_id = self.snap.effective, self.snapshot_id
        for entity in built:
            for stmt in entity.statements:
                if stmt.prop == "id":  # FtM's checksum pseudo-statement: not a fact
                    continue
                sid = stmt_hash(stmt.entity_id, stmt.schema, stmt.prop, stmt.value, stmt.lang)
                rows[sid] = {
                    "stmt_id": sid,
                    "entry_key": key,
                    "source": self.snap.source,
                    "entity_id": stmt.entity_id,
                    "schema": stmt.schema,
                    "prop": stmt.prop,
                    "value": stmt.value,
                    "lang": stmt.lang,
                    "original_value": stmt.original_value,
                    "origin": stmt.origin,
                    "first_seen": snap_date,
                    "first_snapshot": snap_id,
                    "last_seen": None,
                    "last_snapshot": None,
                }
        return rows

    def _entry_row(
        self, record: EntryRecord, key: str, built: list[StatementEntity]
    ) -> dict[str, Any]:
        main = built[0] if built else None
        return {
            "entry_key": key,
            "source": self.snap.source,
            "local_id": record.local_id,
            "entity_id": main.id if main is not None and main.id else key,
            "schema": main.schema.name if main is not None else "Thing",
            "caption": main.caption if main is not None else record.local_id,
            "raw": dict(record.raw) or None,
            "fingerprint": record.fingerprint,
            "first_seen": self.snap.effective,
            "last_seen": self.snap.effective,
            "present": True,
        }

    def _upsert_entries(
        self, rows: list[dict[str, Any]], known: dict[str, tuple[str, bool]]
    ) -> None:
        fresh = [r for r in rows if r["local_id"] not in known]
        if fresh:
            self.conn.execute(entries.insert(), fresh)
        stale = [{**row, "key": row["entry_key"]} for row in rows if row["local_id"] in known]
        if stale:
            columns = (
                "entity_id",
                "schema",
                "caption",
                "raw",
                "fingerprint",
                "last_seen",
                "present",
            )
            self.conn.execute(
                entries.update()
                .where(entries.c.entry_key == sa.bindparam("key"))
                .values({c: sa.bindparam(c) for c in columns}),
                stale,
            )

    def _close(self, row_ids: list[int]) -> None:
        if not row_ids or self.prev is None:
            return
        for start in range(0, len(row_ids), BATCH):
            self.conn.execute(
                statements.update()
                .where(statements.c.id.in_(row_ids[start : start + BATCH]))
                .values(last_seen=self.prev["effective"], last_snapshot=self.prev["id"])
            )
        self.changes.statements_closed += len(row_ids)

    def _close_entries(self, local_ids: list[str]) -> None:
        if self.prev is None:
            return
        keys = [self._key(k) for k in local_ids]
        result = self.conn.execute(
            statements.update()
            .where(statements.c.entry_key.in_(keys), statements.c.last_snapshot.is_(None))
            .values(last_seen=self.prev["effective"], last_snapshot=self.prev["id"])
        )
        self.changes.statements_closed += result.rowcount
        self.conn.execute(
            entries.update().where(entries.c.entry_key.in_(keys)).values(present=False)
        )

    def _touch_present(self) -> None:
        self.conn.execute(
            entries.update()
            .where(entries.c.source == self.snap.source, entries.c.present.is_(True))
            .values(last_seen=self.snap.effective)
        )


def write_snapshot(store: Store, snap: SnapshotInput) -> tuple[int, Changes]:
    """Write an accepted snapshot atomically; returns its id and what changed."""
    with store.begin() as conn:
        writer = SnapshotWriter(store, conn, snap)
        changes = writer.write()
        return writer.snapshot_id, changes


def write_refused(store: Store, snap: SnapshotInput, message: str) -> int:
    """Record a refused snapshot (the source's current state is untouched)."""
    with store.begin() as conn:
        return insert_snapshot_row(conn, snap, "refused", message=message)
