"""Apply one parsed snapshot to the store, atomically, as a diff against the current state.

Only entries whose raw content changed (by fingerprint, per component file) are built and
compared, so a new snapshot of a 15,000-entry list that changed in 40 entries costs 40
builds. A statement that a snapshot no longer holds is closed at the previous snapshot; one
whose component file is absent from this snapshot (e.g. `alt.csv` missing from an OFAC
folder that has only `sdn.csv`) is carried forward, since the absence of the file says
nothing about it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol

import sqlalchemy as sa
from followthemoney import StatementEntity
from sqlalchemy.engine import Connection

from concord.errors import Conflict
from concord.store.statement_table import statements
from concord.store.store import Store
from concord.store.tables import entries, snapshots

BATCH = 500
Known = dict[str, tuple[dict[str, str], bool]]
STATEMENT_COLUMNS = (
    "stmt_id", "entry_key", "source", "entity_id", "schema", "prop", "value", "lang",
    "original_value", "origin", "first_seen", "first_snapshot",
)  # fmt: skip


class EntryRecord(Protocol):
    """What the writer needs of a list entry (see `concord.sources.base.Record`)."""

    @property
    def local_id(self) -> str: ...
    @property
    def build(self) -> Callable[[], list[StatementEntity]]: ...
    @property
    def raw(self) -> Mapping[str, str]: ...
    def fingerprints(self) -> dict[str, str]: ...


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


def is_unchanged(stored: Mapping[str, str], fresh: Mapping[str, str]) -> bool:
    """Whether every component the snapshot holds has the fingerprint stored for it.

    >>> is_unchanged({"sdn": "a", "alt": "b"}, {"sdn": "a"})
    True
    >>> is_unchanged({"sdn": "a"}, {"sdn": "a", "alt": "b"})
    False
    """
    return all(stored.get(part) == value for part, value in fresh.items())


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
    values = {
        "source": snap.source, "observed": snap.observed, "published": snap.published,
        "effective": snap.effective, "path": snap.path, "files": snap.files,
        "format": snap.format, "sha256": snap.sha256, "entry_count": entry_count,
        "status": status, "message": message, "warnings": list(snap.warnings),
        "ingested_at": _now(),
    }  # fmt: skip
    key = conn.execute(snapshots.insert().values(**values)).inserted_primary_key
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


def _placeholders(conn: Connection, count: int) -> str:
    style = conn.dialect.paramstyle
    mark = "?" if style == "qmark" else "%s"
    return ", ".join([mark] * count)


@dataclass
class PreparedEntry:
    """A changed or new entry, built: what the store must hold for it now."""

    local_id: str
    is_new: bool
    fingerprints: dict[str, str]
    raw: dict[str, str] | None
    entity_id: str
    schema: str
    caption: str
    # statement hash -> (hash, entity_id, schema, prop, value, lang, original_value, origin)
    rows: dict[str, tuple[Any, ...]]


@dataclass
class PreparedSnapshot:
    """A snapshot diffed against the fingerprints of the source's current state, built.

    Preparing is CPU work only (no database), so it can run in another process.
    """

    snap: SnapshotInput
    entry_count: int
    changed: list[PreparedEntry]
    gone: list[str]
    unchanged: int

    def known_after(self, known: Known) -> Known:
        """The source's fingerprint state once this snapshot is written."""
        out = dict(known)
        for entry in self.changed:
            out[entry.local_id] = (entry.fingerprints, True)
        for local_id in self.gone:
            out[local_id] = (known[local_id][0], False)
        return out


def _is_changed(known: tuple[dict[str, str], bool] | None, record: EntryRecord) -> bool:
    if known is None or not known[1]:
        return True
    return not is_unchanged(known[0], record.fingerprints())


def _built_rows(built: list[StatementEntity]) -> dict[str, tuple[Any, ...]]:
    rows: dict[str, tuple[Any, ...]] = {}
    for entity in built:
        for stmt in entity.statements:
            if stmt.prop == "id":  # FtM's checksum pseudo-statement: not a fact
                continue
            sid = stmt_hash(stmt.entity_id, stmt.schema, stmt.prop, stmt.value, stmt.lang)
            rows[sid] = (sid, stmt.entity_id, stmt.schema, stmt.prop, stmt.value, stmt.lang,
                         stmt.original_value, stmt.origin)  # fmt: skip
    return rows


def _prepare_entry(record: EntryRecord, stored: tuple[dict[str, str], bool] | None,
                   source: str) -> PreparedEntry:  # fmt: skip
    built = record.build()
    main = built[0] if built else None
    # Fingerprints of components absent from this snapshot are carried forward.
    fingerprints = {**(stored[0] if stored else {}), **record.fingerprints()}
    return PreparedEntry(
        local_id=record.local_id, is_new=stored is None, fingerprints=fingerprints,
        raw=dict(record.raw) or None,
        entity_id=main.id if main is not None and main.id else f"{source}-{record.local_id}",
        schema=main.schema.name if main is not None else "Thing",
        caption=main.caption if main is not None else record.local_id,
        rows=_built_rows(built),
    )  # fmt: skip


def prepare(snap: SnapshotInput, known: Known) -> PreparedSnapshot:
    """Diff a parsed snapshot against `known` fingerprints and build what changed."""
    records = _unique(snap.records)
    changed = [
        _prepare_entry(r, known.get(key), snap.source)
        for key, r in records.items()
        if _is_changed(known.get(key), r)
    ]
    gone = [key for key, (_, present) in known.items() if present and key not in records]
    return PreparedSnapshot(snap, len(records), changed, gone, len(records) - len(changed))


def load_known(conn: Connection, source: str) -> Known:
    """The fingerprints and presence of every entry a source ever had."""
    query = sa.select(entries.c.local_id, entries.c.fingerprint, entries.c.present).where(
        entries.c.source == source
    )
    return {r.local_id: (json.loads(r.fingerprint), bool(r.present)) for r in conn.execute(query)}


class SnapshotWriter:
    """Writes one prepared snapshot of one source inside the caller's transaction."""

    def __init__(self, store: Store, conn: Connection, prepared: PreparedSnapshot) -> None:
        self.conn = conn
        self.prepared = prepared
        self.snap = prepared.snap
        self.changes = Changes()
        self.prev = store.current_snapshot(conn, self.snap.source)
        if self.prev is not None and self.snap.effective < self.prev["effective"]:
            raise Conflict(
                f"{self.snap.source} snapshot {self.snap.effective} is older than the current "
                f"{self.prev['effective']}; rebuild the source to insert it"
            )
        self.snapshot_id = 0
        cols = ", ".join(STATEMENT_COLUMNS)
        self._insert_sql = (
            f"INSERT INTO statements ({cols}) "
            f"VALUES ({_placeholders(conn, len(STATEMENT_COLUMNS))})"
        )

    def write(self) -> Changes:
        """Apply the snapshot; the caller's transaction makes it atomic."""
        prepared = self.prepared
        self.snapshot_id = insert_snapshot_row(
            self.conn, self.snap, "ok", entry_count=prepared.entry_count
        )
        self.changes.unchanged = prepared.unchanged
        for start in range(0, len(prepared.changed), BATCH):
            self._apply_changed(prepared.changed[start : start + BATCH])
        self.changes.removed = len(prepared.gone)
        for start in range(0, len(prepared.gone), BATCH):
            self._close_entries(prepared.gone[start : start + BATCH])
        self.conn.execute(
            entries.update()
            .where(entries.c.source == self.snap.source, entries.c.present.is_(True))
            .values(last_seen=self.snap.effective)
        )
        self.conn.execute(
            snapshots.update()
            .where(snapshots.c.id == self.snapshot_id)
            .values(changes=self.changes.as_dict())
        )
        return self.changes

    def _key(self, local_id: str) -> str:
        return f"{self.snap.source}:{local_id}"

    def _open_statements(self, keys: Iterable[str]) -> dict[str, dict[str, tuple[int, str]]]:
        query = sa.select(
            statements.c.id, statements.c.entry_key, statements.c.stmt_id, statements.c.origin
        ).where(statements.c.entry_key.in_(list(keys)), statements.c.last_snapshot.is_(None))
        out: dict[str, dict[str, tuple[int, str]]] = {}
        for row in self.conn.execute(query):
            out.setdefault(row.entry_key, {})[row.stmt_id] = (row.id, row.origin or "")
        return out

    def _apply_changed(self, batch: list[PreparedEntry]) -> None:
        opened = self._open_statements(self._key(e.local_id) for e in batch)
        to_insert: list[tuple[Any, ...]] = []
        to_close: list[int] = []
        tail = (self.snap.effective, self.snapshot_id)
        for entry in batch:
            key = self._key(entry.local_id)
            old = opened.get(key, {})
            to_close.extend(row_id for sid, (row_id, origin) in old.items()
                            if sid not in entry.rows and self._observed(origin))  # fmt: skip
            to_insert.extend((row[0], key, self.snap.source, *row[1:], *tail)
                             for sid, row in entry.rows.items() if sid not in old)  # fmt: skip
            if entry.is_new:
                self.changes.added += 1
            else:
                self.changes.changed += 1
        self._close(to_close)
        if to_insert:
            self.conn.exec_driver_sql(self._insert_sql, to_insert)
        self.changes.statements_opened += len(to_insert)
        self._upsert_entries(batch)

    def _observed(self, origin: str) -> bool:
        """Whether this snapshot holds the component a statement came from."""
        return not origin or not self.snap.components or origin in self.snap.components

    def _entry_row(self, entry: PreparedEntry) -> dict[str, Any]:
        return {
            "entry_key": self._key(entry.local_id), "key": self._key(entry.local_id),
            "source": self.snap.source, "local_id": entry.local_id,
            "entity_id": entry.entity_id, "schema": entry.schema, "caption": entry.caption,
            "raw": entry.raw, "fingerprint": json.dumps(entry.fingerprints, sort_keys=True),
            "first_seen": self.snap.effective, "last_seen": self.snap.effective,
            "present": True,
        }  # fmt: skip

    def _upsert_entries(self, batch: list[PreparedEntry]) -> None:
        fresh = [self._entry_row(e) for e in batch if e.is_new]
        if fresh:
            self.conn.execute(entries.insert(), [
                {k: v for k, v in row.items() if k != "key"} for row in fresh])  # fmt: skip
        # Only these columns change on an existing entry (first_seen stays as it was); the
        # parameter dicts hold nothing else, or SQLAlchemy would SET those columns too.
        columns = ("entity_id", "schema", "caption", "raw", "fingerprint", "last_seen",
                   "present")  # fmt: skip
        stale = [
            {"key": row["key"], **{c: row[c] for c in columns}}
            for row in (self._entry_row(e) for e in batch if not e.is_new)
        ]
        if stale:
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


def write_prepared(store: Store, prepared: PreparedSnapshot) -> tuple[int, Changes]:
    """Write a prepared snapshot atomically; returns its id and what changed."""
    with store.begin() as conn:
        writer = SnapshotWriter(store, conn, prepared)
        changes = writer.write()
    return writer.snapshot_id, changes


def write_snapshot(store: Store, snap: SnapshotInput) -> tuple[int, Changes]:
    """Prepare (against the store's current fingerprints) and write a snapshot atomically."""
    with store.read() as conn:
        known = load_known(conn, snap.source)
    return write_prepared(store, prepare(snap, known))


def write_refused(store: Store, snap: SnapshotInput, message: str) -> int:
    """Record a refused snapshot (the source's current state is untouched)."""
    with store.begin() as conn:
        return insert_snapshot_row(conn, snap, "refused", message=message)


def forget_source(conn: Connection, source: str) -> None:
    """Delete a source's statements, entries and accepted snapshots inside the caller's
    transaction (before its history is replayed with an older snapshot)."""
    for table in (statements, entries):
        conn.execute(table.delete().where(table.c.source == source))
    conn.execute(snapshots.delete().where(snapshots.c.source == source,
                                          snapshots.c.status == "ok"))  # fmt: skip
