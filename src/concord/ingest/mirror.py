"""Ingest a mirror folder or a few files: parse each new snapshot, check it, write it.

A snapshot is refused (and the source's current state kept) when its files cannot be
parsed, or when it holds no entries or far fewer than the snapshot it follows (by the
source's `min_ratio`): an empty or truncated download must never look like mass delisting.

Parsing and building (CPU) run per source in worker processes; the main process writes
each prepared snapshot in one transaction as it arrives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
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
from concord.ingest.series import run_series
from concord.sources.registry import Source, get_source, sources
from concord.store.store import Store
from concord.store.tables import snapshots
from concord.store.writer import (
    Changes,
    Known,
    PreparedSnapshot,
    SnapshotInput,
    SnapshotWriter,
    forget_source,
    load_known,
    prepare,
    write_prepared,
    write_refused,
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


@dataclass
class SeriesStart:
    """What preparing a source's new snapshots needs to know of the store (picklable)."""

    source: str
    known: Known
    history: list[tuple[date, int]]  # (effective, entry count) of accepted snapshots
    accepted: set[str]  # sha256 of accepted snapshots


@dataclass
class Result:
    """One folder, prepared or judged: `prepared` set when it is to be written."""

    folder: SnapshotFolder
    sha: str
    status: str  # prepared | unchanged | refused | older
    message: str = ""
    entries: int | None = None
    prepared: PreparedSnapshot | None = None


def _snapshot_input(folder: SnapshotFolder, src: Source) -> SnapshotInput:
    """Read and parse a folder (raises ParseError / BadInput when it cannot be used)."""
    named = {src.official_name(official_name(p)): p for p in folder.paths}
    fmt = src.choose_format(named)
    members = fmt.members(named)
    files = {name: read_official(named[name]) for name in members}
    parsed = fmt.load()(files)
    return SnapshotInput(
        source=src.id, observed=folder.observed, path=folder.label,
        files=[str(named[name]) for name in members], sha256=folder_digest(files),
        records=parsed.records, published=parsed.published, format=fmt.name,
        components=parsed.components, warnings=parsed.warnings,
    )  # fmt: skip


def _raw_digest(folder: SnapshotFolder) -> str:
    try:
        return folder_digest({official_name(p): read_official(p) for p in folder.paths})
    except ParseError:
        return folder_digest({official_name(p): p.read_bytes() for p in folder.paths})


def sanity(snap: SnapshotInput, src: Source, history: list[tuple[date, int]]) -> str | None:
    """Why a parsed snapshot must not become current, or None when it may.

    It is measured against the accepted snapshot it follows in time (a list grows: an older
    snapshot added late is compared with its predecessor, not with today's list).
    """
    if not snap.records:
        return "holds no entries: refused, it would delist everyone"
    before = [(day, count) for day, count in history if day <= snap.effective]
    if not before or not before[-1][1]:
        return None
    day, count = before[-1]
    ratio = len(snap.records) / count
    if ratio < src.min_ratio:
        return (
            f"holds {len(snap.records)} entries, {ratio:.0%} of the preceding {count} "
            f"({day}): refused as likely truncated, it would look like mass delisting"
        )
    return None


def _refused_file(folder: SnapshotFolder, exc: ParseError) -> str:
    """The file a refusal is about, as the user knows it: the path given or found on disk
    (`us-ofac/2024-05-04/sdn.csv`, whatever its case or `.gz`), not only its folder."""
    if len(folder.paths) == 1:
        return str(folder.paths[0])
    wanted = exc.filename.lower()
    for path in folder.paths:
        if official_name(path) == wanted:
            return str(path)
    return f"{folder.label}/{exc.filename}"


def prepare_series(start: SeriesStart, folders: list[SnapshotFolder]) -> Iterator[Result]:
    """Parse, check and build a source's new snapshots in date order (no database)."""
    src = get_source(start.source)
    known, history = start.known, list(start.history)
    for folder in folders:
        sha = _raw_digest(folder)
        if sha in start.accepted:
            yield Result(folder, sha, "unchanged", "already in the store")
            continue
        try:
            snap = _snapshot_input(folder, src)
        except ParseError as exc:
            yield Result(folder, sha, "refused", f"{_refused_file(folder, exc)}: {exc.reason}")
            continue
        except ConcordError as exc:
            yield Result(folder, sha, "refused", f"{folder.label}: {exc}")
            continue
        snap.sha256 = sha
        if history and snap.effective < history[-1][0]:
            yield Result(folder, sha, "older")
            continue
        reason = sanity(snap, src, history)
        if reason is not None:
            yield Result(folder, sha, "refused", f"{folder.label}: {reason}")
            continue
        prepared = prepare(snap, known)
        snap.records = []  # the builders are spent; what is left crosses processes
        known = prepared.known_after(known)
        history.append((snap.effective, prepared.entry_count))
        yield Result(folder, sha, "prepared", entries=prepared.entry_count, prepared=prepared)


def series_start(store: Store, source: str) -> SeriesStart:
    """The store's state of one source, as `prepare_series` needs it."""
    with store.read() as conn:
        known = load_known(conn, source)
        rows = store.ok_snapshots(conn, source)
    history = [(r["effective"], r["entry_count"] or 0) for r in rows]
    return SeriesStart(source, known, history, {r["sha256"] for r in rows})


def _seen(store: Store, source: str, sha: str) -> bool:
    query = (
        sa.select(sa.func.count())
        .select_from(snapshots)
        .where(snapshots.c.source == source, snapshots.c.sha256 == sha)
    )
    with store.read() as conn:
        return bool(conn.execute(query).scalar_one())


def _placeholder(folder: SnapshotFolder, sha: str) -> SnapshotInput:
    return SnapshotInput(
        source=folder.source,
        observed=folder.observed,
        path=folder.label,
        files=[str(p) for p in folder.paths],
        sha256=sha,
        records=[],
    )


def apply_result(store: Store, result: Result) -> Outcome:
    """Write what a prepared folder holds, or record its refusal; the outcome."""
    folder = result.folder
    base = Outcome(folder.source, folder.observed, folder.label, result.status, result.message,
                   result.entries)  # fmt: skip
    if result.status == "refused":
        if not _seen(store, folder.source, result.sha):
            write_refused(store, _placeholder(folder, result.sha), result.message)
        return base
    if result.status == "older":
        changes = rebuild_source(store, folder.source, folder)
        base.status, base.changes = "added", changes
        return base
    if result.prepared is None:
        return base
    _, changes = write_prepared(store, result.prepared)
    base.status, base.changes = "added", changes
    base.warnings = result.prepared.snap.warnings
    return base


def rebuild_source(store: Store, source: str, extra: SnapshotFolder) -> Changes:
    """Replay a source's history with a snapshot older than its current one, atomically."""
    src = get_source(source)
    with store.read() as conn:
        history = store.ok_snapshots(conn, source)
    folders = [extra] + [
        SnapshotFolder(source, r["observed"], [Path(f) for f in r["files"]], r["path"])
        for r in history
    ]
    replay = sorted((_snapshot_input(f, src) for f in folders), key=lambda s: s.effective)
    changes = Changes()
    with store.begin() as conn:
        forget_source(conn, source)
        known: Known = {}
        for snap in replay:
            prepared = prepare(snap, known)
            changes = SnapshotWriter(store, conn, prepared).write()
            known = prepared.known_after(known)
    return changes


def _by_source(folders: list[SnapshotFolder]) -> dict[str, list[SnapshotFolder]]:
    out: dict[str, list[SnapshotFolder]] = {}
    for folder in sorted(folders, key=lambda f: (f.source, f.observed)):
        out.setdefault(folder.source, []).append(folder)
    return out


def ingest_mirror(
    store: Store,
    mirror: Path,
    progress: Progress | None = None,
    only: set[str] | None = None,
    workers: int = 2,
) -> IngestReport:
    """Ingest every new snapshot folder of a mirror, oldest first per source."""
    folders, skipped = discover(mirror.resolve(), set(sources()))
    if only:
        folders = [f for f in folders if f.source in only]
    report = IngestReport(skipped=skipped)
    groups = _by_source(folders)
    starts = {source: series_start(store, source) for source in groups}
    jobs: list[tuple[Any, ...]] = [(starts[s], groups[s]) for s in groups]
    for index, result in enumerate(run_series(prepare_series, jobs, workers)):
        if progress is not None:
            progress(f"{result.folder.source} {result.folder.observed}", index, len(folders))
        report.outcomes.append(apply_result(store, result))
    if progress is not None:
        progress("done", len(folders), len(folders))
    if report.count("added"):
        store.optimize()
    return report


def ingest_files(store: Store, source: str, observed: date, paths: list[Path]) -> IngestReport:
    """Ingest a few files as one snapshot of `source` observed on `observed`."""
    get_source(source)
    paths = [p.resolve() for p in paths]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise BadInput(f"file not found: {', '.join(missing)}")
    folder = SnapshotFolder(source, observed, paths, ", ".join(str(p) for p in paths))
    results = prepare_series(series_start(store, source), [folder])
    report = IngestReport(outcomes=[apply_result(store, r) for r in results])
    if report.count("added"):
        store.optimize()
    return report
