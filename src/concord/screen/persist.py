"""Where the screening index is kept between processes, and how it is written safely.

An index belongs to one store state (`Store.state`: newest snapshot and resolution run) and
to the code that built it, and lives in one folder per such stamp:

- beside a SQLite store: `var/concord.sqlite.screen-index/<stamp>/`;
- for any other store (PostgreSQL): `~/.cache/concord/screen-index/<hash of the URL>/<stamp>/`
  (`XDG_CACHE_HOME` is honoured).

A folder holds one `.npy` file per array (memory-mapped when read), one `.bin` file per
packed byte string (memory-mapped too) and `meta.json`; no pickle. It is written into a
temporary folder and renamed into place, so a reader sees a whole index or none. A builder
holds a lock file while it builds: a second process starting at the same moment waits for
it, then reads its index instead of building its own (where there is no `fcntl`, it builds
too, and the first rename wins). Folders of other stamps are removed once an index of the
current one is in place.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import mmap
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import rigour
import sqlalchemy as sa

import concord
from concord.screen.columns import Blob, Columns
from concord.store import Store
from concord.store.tables import resolution_runs, snapshots

FORMAT = 1  # bump when the files' layout changes
SUFFIX = ".screen-index"
LOCK = ".lock"
TEMP = ".tmp-"
# A temporary folder older than this was left by a builder that died: removed.
ABANDONED = 6 * 3600
# Code the index is built by: a change to any of it (an edit, an upgrade) makes a new stamp.
CODE = ("model", "store", "resolve", "screen")
log = logging.getLogger(__name__)


def home(store: Store) -> Path | None:
    """The folder of a store's indexes; None for an in-memory SQLite database."""
    url = store.engine.url
    if store.is_sqlite:
        database = url.database
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        return Path(database).with_name(Path(database).name + SUFFIX)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    key = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:16]
    return Path(cache) / "concord" / "screen-index" / key


def stamp(store: Store) -> str:
    """The name of the current state's index: `<snapshot id>-<run id>-<digest>`, the digest
    over that snapshot's and run's rows (a store deleted and made again reuses ids) and the
    code that builds the index."""
    with store.read() as conn:
        state = Store.state(conn)
        snap = conn.execute(sa.select(snapshots.c.sha256, snapshots.c.ingested_at)
                            .where(snapshots.c.id == state[0])).first()  # fmt: skip
        run = conn.execute(sa.select(resolution_runs.c.started_at)
                           .where(resolution_runs.c.id == state[1])).first()  # fmt: skip
    facts = [FORMAT, code_digest(), [str(v) for v in snap or ()], [str(v) for v in run or ()]]
    digest = hashlib.sha1(json.dumps(facts).encode()).hexdigest()[:12]
    return f"{state[0]}-{state[1]}-{digest}"


def code_digest() -> str:
    """A digest of the size and modification time of every source and data file of the
    packages the index is built by, and of the name library's (`rigour`) folder: ~2 ms,
    where reading them all would take ~30."""
    digest = hashlib.sha1()
    root = Path(concord.__file__).parent
    folders = [root / name for name in CODE]
    for folder in folders:
        for path, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                if name.endswith((".py", ".yml", ".yaml")):
                    info = os.stat(os.path.join(path, name))
                    digest.update(f"{path}/{name}:{info.st_size}:{info.st_mtime_ns};".encode())
    rigour_folder = os.stat(Path(rigour.__file__).parent)
    digest.update(f"rigour:{rigour_folder.st_mtime_ns}".encode())
    return digest.hexdigest()


def columns_for(store: Store, build: Callable[[Store], Columns]) -> Columns:
    """The index of the store's current state: read from its folder when written, else
    built (by this process, or by another one this process waits for) and written there."""
    folder = home(store)
    if folder is None:
        return build(store)
    name = stamp(store)
    found = load(folder / name)
    if found is None:
        with building(folder):
            found = load(folder / name) or _build_and_save(store, build, folder, name)
    prune(folder, keep=name)
    return found


def _build_and_save(store: Store, build: Callable[[Store], Columns], folder: Path,
                    name: str) -> Columns:  # fmt: skip
    columns = build(store)
    if stamp(store) != name:  # the store changed while building: not this state's index
        return columns
    try:
        save(columns, folder, name)
    except OSError as exc:  # a read-only folder, a full disk: built, not kept
        log.warning("screening index not kept in %s: %s", folder, exc)
    return columns


@contextlib.contextmanager
def building(folder: Path) -> Iterator[None]:
    """Held while an index is built in `folder`: other processes wait (POSIX `flock`; the
    lock goes with the process, so a killed builder leaves none behind). Without a lock (no
    `fcntl` on Windows, a read-only folder) two builders write the same index; one wins."""
    try:
        import fcntl

        folder.mkdir(parents=True, exist_ok=True)
        handle = (folder / LOCK).open("a")
    except (ImportError, OSError):
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def save(columns: Columns, folder: Path, name: str) -> Path:
    """Write an index as `folder/name`, atomically: into a temporary folder renamed into
    place. When another process put one there first, its index stays and ours is dropped."""
    folder.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=TEMP, dir=folder))
    os.chmod(temp, folder.stat().st_mode & 0o777)  # mkdtemp's 0700 would hide it from others
    target = folder / name
    try:
        for key, array in columns.arrays.items():
            np.save(temp / f"{key}.npy", np.ascontiguousarray(array), allow_pickle=False)
        for key, blob in columns.blobs.items():
            (temp / f"{key}.bin").write_bytes(bytes(blob))
        meta = {**columns.meta, "format": FORMAT, "arrays": sorted(columns.arrays),
                "blobs": sorted(columns.blobs)}  # fmt: skip
        (temp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        _sync(temp)
        _publish(temp, target)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return target


def _publish(temp: Path, target: Path) -> None:
    """Rename a written index into place, unless a whole one is there already."""
    try:
        os.replace(temp, target)
    except OSError:  # a folder is there: another process's index, or a broken one
        if load(target) is not None:
            return
        _discard(target)
        os.replace(temp, target)


def _discard(folder: Path) -> None:
    """Remove an index folder: renamed first, so that no reader meets it half removed."""
    doomed = folder.with_name(f"{TEMP}old-{os.getpid()}-{folder.name}")
    os.replace(folder, doomed)
    shutil.rmtree(doomed)


def _sync(folder: Path) -> None:
    """Flush a folder's files to disk, so a crash after the rename leaves no empty file."""
    for path in folder.iterdir():
        with path.open("rb") as handle:
            os.fsync(handle.fileno())


def load(folder: Path) -> Columns | None:
    """The index written in `folder`, memory-mapped; None when there is none (or it is
    unreadable, or of another format: it is then built again)."""
    try:
        meta: dict[str, Any] = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            return None
        arrays = {key: np.load(folder / f"{key}.npy", mmap_mode="r", allow_pickle=False)
                  for key in meta["arrays"]}  # fmt: skip
        blobs = {key: _map(folder / f"{key}.bin") for key in meta["blobs"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Columns(arrays, blobs, meta)


def _map(path: Path) -> Blob:
    """A file's bytes, memory-mapped (read on demand, shared between processes)."""
    with path.open("rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return b""
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


def prune(folder: Path, keep: str) -> None:
    """Remove the indexes of other stamps, and temporary folders left by dead builders. A
    process still reading a removed index keeps its memory map (POSIX)."""
    try:
        paths = list(folder.iterdir())
    except OSError:
        return
    now = time.time()
    for path in paths:
        if path.name in (keep, LOCK) or not path.is_dir():
            continue
        with contextlib.suppress(OSError):
            if path.name.startswith(TEMP):
                if now - path.stat().st_mtime >= ABANDONED:
                    shutil.rmtree(path)
                continue
            _discard(path)
