"""Ingest a mirror folder or a few files: parse each new snapshot, check it, write it.

A snapshot is refused (and the source's current state kept) when its files cannot be
parsed, or when it holds no entries or far fewer than the current snapshot (by the source's
`min_ratio`): an empty or truncated download must never look like mass delisting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from concord.errors import BadInput, ConcordError, ParseError
from concord.ingest.folders import (
    SnapshotFolder,
    discover,
    folder_digest,
    official_name,
    read_official,
)
from concord.sources.registry import Source, get_source, sources
from concord.store.store import Store
from concord.store.tables import entries, snapshots, statements
from concord.store.writer import (
    Changes,
    SnapshotInput,
    SnapshotWriter,
    write_refused,
    write_snapshot,
)

Progress = Callable[[str, int, int], None]


@dataclass
class Outcome:
    """What became of one snapshot folder."""

    source: str
    observed: date
    label: str
    status: str  # added | unchanged | refused
    message: str = ""
    entries: int | None = None
    changes: Changes | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    """The outcomes of one ingest run, and folders skipped as not snapshots."""

    outcomes: list[Outcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def refused(self) -> list[Outcome]:
        """The snapshots refused in this run."""
        return [o for o in self.outcomes if o.status == "refused"]

    def count(self, status: str) -> int:
        """How many snapshots ended with `status`."""
        return sum(1 for o in self.outcomes if o.status == status)


def _seen(store: Store, source: str, sha: str) -> dict[str, Any] | None:
    query = (
        sa.select(snapshots)
        .where(snapshots.c.source == source, snapshots.c.sha256 == sha)
        .order_by(snapshots.c.id)
    )
    with store.read() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
    ok = [r for r in rows if r["status"] == "ok"]
    return ok[0] if ok else (rows[0] if rows else None)


def _snapshot_input(folder: SnapshotFolder, src: Source) -> SnapshotInput:
    """Read and parse a folder (raises ParseError / BadInput when it cannot be used)."""
    named = {src.official_name(official_name(p)): p for p in folder.paths}
    fmt = src.choose_format(named)
    members = fmt.members(named)
    files = {name: read_official(named[name]) for name in members}
    parsed = fmt.load()(files)
    return SnapshotInput(
        source=src.id,
        observed=folder.observed,
        path=folder.label,
        files=[str(named[name]) for name in members],
        sha256=folder_digest(files),
        records=parsed.records,
        published=parsed.published,
        format=fmt.name,
        components=parsed.components,
        warnings=parsed.warnings,
    )


def _sanity(store: Store, snap: SnapshotInput, src: Source) -> str | None:
    """Why a parsed snapshot must not become current, or None when it may."""
    if not snap.records:
        return "holds no entries: refused, it would delist everyone"
    # Compared with the snapshot it follows in time (a list grows: an older snapshot added
    # late is measured against its predecessor, not against today's list).
    with store.read() as conn:
        current = store.snapshot_as_of(conn, src.id, snap.effective)
    if current is None or not current["entry_count"]:
        return None
    ratio = len(snap.records) / current["entry_count"]
    if ratio < src.min_ratio:
        return (
            f"holds {len(snap.records)} entries, {ratio:.0%} of the preceding "
            f"{current['entry_count']} ({current['effective']}): refused as likely "
            "truncated, it would look like mass delisting"
        )
    return None


def _placeholder(folder: SnapshotFolder, sha: str) -> SnapshotInput:
    return SnapshotInput(
        source=folder.source,
        observed=folder.observed,
        path=folder.label,
        files=[str(p) for p in folder.paths],
        sha256=sha,
        records=[],
    )


def _raw_digest(folder: SnapshotFolder) -> str:
    try:
        return folder_digest({official_name(p): read_official(p) for p in folder.paths})
    except ParseError:
        return folder_digest({official_name(p): p.read_bytes() for p in folder.paths})


def _refuse(store: Store, folder: SnapshotFolder, sha: str, message: str) -> Outcome:
    if _seen(store, folder.source, sha) is None:
        write_refused(store, _placeholder(folder, sha), message)
    return Outcome(folder.source, folder.observed, folder.label, "refused", message)


def ingest_folder(store: Store, folder: SnapshotFolder) -> Outcome:
    """Ingest one snapshot folder unless the store already holds it."""
    src = get_source(folder.source)
    sha = _raw_digest(folder)
    seen = _seen(store, folder.source, sha)
    if seen is not None and seen["status"] == "ok":
        return Outcome(
            folder.source,
            folder.observed,
            folder.label,
            "unchanged",
            "already in the store",
            seen["entry_count"],
        )
    try:
        snap = _snapshot_input(folder, src)
    except ParseError as exc:
        why = exc.reason if len(folder.paths) == 1 else str(exc)
        return _refuse(store, folder, sha, f"{folder.label}: {why}")
    except ConcordError as exc:
        return _refuse(store, folder, sha, f"{folder.label}: {exc}")
    snap.sha256 = sha
    reason = _sanity(store, snap, src)
    if reason is not None:
        return _refuse(store, folder, sha, f"{folder.label}: {reason}")
    with store.read() as conn:
        current = store.current_snapshot(conn, src.id)
    if current is not None and snap.effective < current["effective"]:
        changes = rebuild_source(store, src.id, extra=snap)
    else:
        _, changes = write_snapshot(store, snap)
    return Outcome(
        folder.source,
        folder.observed,
        folder.label,
        "added",
        "",
        len(snap.records),
        changes,
        snap.warnings,
    )


def rebuild_source(store: Store, source: str, extra: SnapshotInput) -> Changes:
    """Replay a source's history with a snapshot older than its current one, atomically."""
    with store.read() as conn:
        history = store.ok_snapshots(conn, source)
    replay: list[SnapshotInput] = [extra]
    for row in history:
        folder = SnapshotFolder(
            source, row["observed"], [Path(f) for f in row["files"]], row["path"]
        )
        replay.append(_snapshot_input(folder, get_source(source)))
    replay.sort(key=lambda s: s.effective)
    changes = Changes()
    with store.begin() as conn:
        for table in (statements, entries):
            conn.execute(table.delete().where(table.c.source == source))
        conn.execute(
            snapshots.delete().where(snapshots.c.source == source, snapshots.c.status == "ok")
        )
        for snap in replay:
            changes = SnapshotWriter(store, conn, snap).write()
    return changes


def ingest_mirror(
    store: Store, mirror: Path, progress: Progress | None = None, only: set[str] | None = None
) -> IngestReport:
    """Ingest every new snapshot folder of a mirror, oldest first per source."""
    folders, skipped = discover(mirror, set(sources()))
    if only:
        folders = [f for f in folders if f.source in only]
    report = IngestReport(skipped=skipped)
    for index, folder in enumerate(folders):
        if progress is not None:
            progress(f"{folder.source} {folder.observed}", index, len(folders))
        report.outcomes.append(ingest_folder(store, folder))
    if progress is not None:
        progress("done", len(folders), len(folders))
    return report


def ingest_files(store: Store, source: str, observed: date, paths: list[Path]) -> IngestReport:
    """Ingest a few files as one snapshot of `source` observed on `observed`."""
    get_source(source)
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise BadInput(f"file not found: {', '.join(missing)}")
    label = ", ".join(str(p) for p in paths)
    folder = SnapshotFolder(source, observed, paths, label)
    return IngestReport(outcomes=[ingest_folder(store, folder)])
