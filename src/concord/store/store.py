"""The one store interface: SQLite by default, PostgreSQL by URL, chosen here only."""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from concord.errors import BadInput, NotResolved
from concord.store import (  # noqa: F401  (register their tables)
    alert_tables,
    dossier_tables,
    statement_table,
)
from concord.store.tables import metadata, resolution_runs, resolver_state, snapshots

DEFAULT_PATH = Path("var") / "concord.sqlite"
# The resolver_state row in which a finished resolution run records the newest snapshot it
# read (written in the run's own transaction, so a killed run leaves the older mark).
RESOLVED_MARK = "resolved-snapshot"
T = TypeVar("T")


def default_url() -> str:
    """`CONCORD_DATABASE_URL`, else a SQLite file `var/concord.sqlite` under the working dir."""
    url = os.environ.get("CONCORD_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{DEFAULT_PATH}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    # WAL keeps readers working during an ingest; a killed import rolls back atomically.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.execute("PRAGMA cache_size=-200000")
    cursor.close()


class Store:
    """A Concord store at a database URL.

    Example:
        >>> store = Store("sqlite://")
        >>> store.snapshot_rows()
        []
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_url()
        try:
            parsed = sa.engine.make_url(self.url)
        except sa.exc.ArgumentError as exc:
            raise BadInput(f"not a database URL: {self.url!r}") from exc
        if parsed.get_backend_name() == "sqlite" and parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = sa.create_engine(self.url, future=True)
        if parsed.get_backend_name() == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        metadata.create_all(self.engine)
        # What is derived from the store's state (read model, frame, indexes), keyed by name:
        # (state, value). The one cache of derived data; see `per_state`.
        self._derived: dict[str, tuple[tuple[int, int], Any]] = {}
        self._derived_lock = threading.RLock()

    def derived(self, name: str, build: Callable[[], T]) -> T:
        """`build()` once per store state (newest snapshot and resolution run), kept on this
        store instance: the store changes only on ingest or resolve."""
        with self.read() as conn:
            state = Store.state(conn)
        with self._derived_lock:
            held = self._derived.get(name)
            if held is None or held[0] != state:
                held = (state, build())
                self._derived[name] = held
        value: T = held[1]
        return value

    @property
    def is_sqlite(self) -> bool:
        """Whether the store is a SQLite database."""
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """One transaction: committed at the end, rolled back on any error."""
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reading."""
        with self.engine.connect() as conn:
            yield conn

    def optimize(self) -> None:
        """Refresh the statistics SQLite's query planner uses (sampled, a few ms); without
        them it picks the wrong index and an entry's designations take ~0.5 s, not ~2 ms.
        PostgreSQL keeps its own statistics (autovacuum)."""
        if self.is_sqlite:
            with self.begin() as conn:
                conn.exec_driver_sql("PRAGMA analysis_limit=1000")
                conn.exec_driver_sql("ANALYZE")

    @staticmethod
    def state(conn: Connection) -> tuple[int, int]:
        """What everything derived from the store depends on: the newest snapshot id and the
        newest resolution run id (caches of analyses and indexes key on it)."""
        snap = conn.execute(sa.select(sa.func.max(snapshots.c.id))).scalar()
        run = conn.execute(sa.select(sa.func.max(resolution_runs.c.id))).scalar()
        return (int(snap or 0), int(run or 0))

    @staticmethod
    def newest_snapshot(conn: Connection) -> int:
        """The id of the newest accepted snapshot (0 in an empty store)."""
        found = conn.execute(
            sa.select(sa.func.max(snapshots.c.id)).where(snapshots.c.status == "ok")
        ).scalar()
        return int(found or 0)

    @staticmethod
    def unresolved(conn: Connection) -> int:
        """How many accepted snapshots no finished resolution run has read: 0 when the
        targets are up to date (or there is nothing to resolve)."""
        mark = conn.execute(
            sa.select(resolver_state.c.data).where(resolver_state.c.name == RESOLVED_MARK)
        ).scalar()
        query = sa.select(sa.func.count()).where(snapshots.c.status == "ok")
        if mark is not None:
            query = query.where(snapshots.c.id > int(mark))
        return int(conn.execute(query).scalar() or 0)

    def require_resolved(self) -> None:
        """Refuse to answer from a half-state: targets, gaps and screening read the last
        finished resolution, which must have read every snapshot the store holds."""
        with self.read() as conn:
            pending = Store.unresolved(conn)
        if pending:
            what = "1 snapshot that was" if pending == 1 else f"{pending} snapshots that were"
            raise NotResolved(
                f"the store has {what} never resolved (a resolution was stopped or skipped):"
                " run `concord resolve`"
            )

    def snapshot_rows(self, source: str | None = None) -> list[dict[str, Any]]:
        """Every snapshot (ok and refused), oldest first."""
        query = sa.select(snapshots).order_by(
            snapshots.c.source, snapshots.c.effective, snapshots.c.id
        )
        if source is not None:
            query = query.where(snapshots.c.source == source)
        with self.read() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def ok_snapshots(self, conn: Connection, source: str) -> list[dict[str, Any]]:
        """The accepted snapshots of a source in date order: its history."""
        query = (
            sa.select(snapshots)
            .where(snapshots.c.source == source, snapshots.c.status == "ok")
            .order_by(snapshots.c.effective, snapshots.c.id)
        )
        return [dict(row._mapping) for row in conn.execute(query)]

    def current_snapshot(self, conn: Connection, source: str) -> dict[str, Any] | None:
        """The newest accepted snapshot of a source: its current state."""
        rows = self.ok_snapshots(conn, source)
        return rows[-1] if rows else None

    def snapshot_as_of(self, conn: Connection, source: str, when: date) -> dict[str, Any] | None:
        """The newest accepted snapshot of a source on or before `when`."""
        rows = [r for r in self.ok_snapshots(conn, source) if r["effective"] <= when]
        return rows[-1] if rows else None

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def per_state(func: Callable[[Store], T]) -> Callable[[Store], T]:
    """Decorate a function of the store whose answer depends only on the store's state: it is
    computed once per state and kept on the store (`Store.derived`)."""
    name = f"{func.__module__}.{func.__qualname__}"

    @functools.wraps(func)
    def wrapper(store: Store) -> T:
        return store.derived(name, lambda: func(store))

    return wrapper
