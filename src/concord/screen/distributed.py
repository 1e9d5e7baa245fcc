"""Batch screening on a Dask cluster: the same records, the same code, the same hits.

The client reads and checks the whole input exactly as `batch.screen_file` does, cuts it into
partitions of `DaskOptions.partition` records and sends them to the workers. Each worker
screens a partition with `batch.screen_records`, the function the single-process run uses,
so the two runs give the same rows.

The index is shipped once. It is the folder `persist` wrote beside the store
(`<db>.screen-index/<stamp>/`): when every worker can read that path (a LocalCluster, or
workers on a shared filesystem), each worker memory-maps the same files, and nothing but the
path crosses the network. When a worker cannot see it (a remote cluster without a shared
path, or an in-memory store), the index's arrays are sent to every worker once
(`Client.scatter(broadcast=True)`). Either way a worker assembles it once per process.

Output: a file (`.csv`, `.jsonl`, `.parquet`) receives every hit in input order, as the
single-process run writes it; a folder (a path without a suffix, or an existing folder)
receives one `part-NNNNN.parquet` per partition, in the same columns. Dask is imported only
here, and this module only when `--dask` is asked for.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from concord.errors import BadInput
from concord.screen import batch, persist
from concord.screen.batch import BatchOptions, BatchReport
from concord.screen.columns import Columns
from concord.screen.decisions import Suppressions, suppressions
from concord.screen.files import file_format, read_records, write_hits
from concord.screen.index import ScreenIndex, assemble, build_columns
from concord.store import Store

Client = Any  # distributed.Client: Dask's API is untyped, and imported only when used
PARTITION = 10_000  # records per task: ~1-2 s of work, few enough tasks for the scheduler
LOCAL = "local"
PART = "part-{:05d}.parquet"
CONNECT_TIMEOUT = "30s"
Progress = Callable[[int, int], None]
HitRows = list[dict[str, Any]]


@dataclass(frozen=True)
class DaskOptions:
    """Where to screen: `local` (a LocalCluster of `workers` processes) or a scheduler's
    address (`tcp://host:8786`), and how many records each task screens."""

    address: str = LOCAL
    workers: int = 2
    partition: int = PARTITION


@dataclass(frozen=True)
class Job:
    """What every worker needs for every partition, sent once: the index (its folder, or
    its key when the arrays are scattered), the batch options and the standing decisions."""

    key: str
    folder: str | None
    options: BatchOptions
    silenced: Suppressions


def is_folder_output(output: Path) -> bool:
    """True when `output` names a folder of parquet parts: an existing folder, or a path
    without a suffix; else it names one file whose suffix says its format."""
    return output.is_dir() or not output.suffix


def screen_on_dask(store: Store, source: Path, output: Path, options: BatchOptions,
                   dask: DaskOptions, progress: Progress | None = None) -> BatchReport:  # fmt: skip
    """Screen every record of `source` on a Dask cluster into `output` (a file, or a folder
    of parquet parts); the hits are those `batch.screen_file` writes for the same input."""
    if dask.partition < 1 or dask.workers < 1:
        raise BadInput("--dask-workers and the partition size must be at least 1")
    records = read_records(source)
    batch._validate(records)  # the single-process run's checks, word for word
    parts = [records[i : i + dask.partition] for i in range(0, len(records), dask.partition)]
    _prepare_output(output)
    store.require_resolved()
    columns = persist.columns_for(store, build_columns)
    folder = _index_folder(store)
    silenced = suppressions(store)
    started = time.perf_counter()
    with _client(dask) as client:
        job, shipped = _ship(client, folder, columns, options, silenced)
        tally = _run(client, job, shipped, parts, output, progress)
        workers = len(client.nthreads())
    if not is_folder_output(output):
        write_hits(output, [row for rows in tally.rows for row in rows])
    return BatchReport(len(records), 0, len(records), tally.hits, tally.alerted,
                       tally.suppressed, time.perf_counter() - started, workers)  # fmt: skip


def _prepare_output(output: Path) -> None:
    """Fail before screening on an unusable output; clear the parts of an earlier run."""
    if not is_folder_output(output):
        file_format(output)
        write_hits(output, [])
        return
    try:
        output.mkdir(parents=True, exist_ok=True)
        for old in output.glob("part-*.parquet"):
            old.unlink()
    except OSError as exc:
        raise BadInput(f"{output}: cannot write the output folder ({exc.strerror})") from None


def _index_folder(store: Store) -> Path | None:
    """The folder the current index was written in, if it was (not for in-memory stores)."""
    home = persist.home(store)
    if home is None:
        return None
    folder = home / persist.stamp(store)
    return folder if (folder / "meta.json").is_file() else None


@contextlib.contextmanager
def _client(dask: DaskOptions) -> Iterator[Client]:
    """A client of the scheduler at `dask.address`, or of a LocalCluster made for the run:
    one thread per worker process (screening is Python code that holds the GIL)."""
    distributed = _distributed()
    if dask.address == LOCAL:
        cluster = distributed.LocalCluster(n_workers=dask.workers, threads_per_worker=1,
                                           processes=True, dashboard_address=None,
                                           silence_logs=logging.ERROR)  # fmt: skip
        with cluster, distributed.Client(cluster) as client:
            yield client
        return
    try:
        client = distributed.Client(dask.address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise BadInput(f"cannot reach the Dask scheduler at {dask.address}: {exc}") from None
    with client:
        if not client.nthreads():
            raise BadInput(f"the Dask scheduler at {dask.address} has no workers")
        yield client


def _ship(client: Client, folder: Path | None, columns: Columns, options: BatchOptions,
          silenced: Suppressions) -> tuple[Any, Any]:  # fmt: skip
    """Send the job to every worker once; the index by path when they all see the folder,
    else its arrays. Returns the futures of the job and of the arrays (or None)."""
    key = f"{folder.name if folder else 'built'}-{uuid.uuid4().hex[:8]}"
    shared = folder is not None and all(client.run(_can_read, str(folder)).values())
    arrays = None
    if not shared:
        arrays = client.scatter(_portable(columns), broadcast=True, hash=False)
    job = Job(key, str(folder) if shared else None, options, silenced)
    return client.scatter(job, broadcast=True, hash=False), arrays


def _distributed() -> Any:
    return importlib.import_module("distributed")


def _portable(columns: Columns) -> Columns:
    """The index's parts as plain arrays and bytes (memory maps do not pickle)."""
    return Columns({k: np.asarray(v).copy() for k, v in columns.arrays.items()},
                   {k: bytes(v) for k, v in columns.blobs.items()}, dict(columns.meta))  # fmt: skip


def _can_read(folder: str) -> bool:
    return os.path.isfile(os.path.join(folder, "meta.json"))


@dataclass
class Tally:
    """What came back from the workers: the hit rows (kept for a one-file output only),
    how many hits, for which records, and how many hits decisions silenced."""

    rows: list[HitRows]
    hits: int = 0
    alerted: int = 0
    suppressed: int = 0


def _run(client: Client, job: Any, arrays: Any, parts: list[list[dict[str, str]]],
         output: Path, progress: Progress | None) -> Tally:  # fmt: skip
    """Screen every partition; rows in partition order. Parts are written as they come."""
    as_completed = _distributed().as_completed
    scattered = dict(enumerate(client.scatter(parts, hash=False)))
    futures = {client.submit(screen_partition, job, arrays, part, pure=False): n
               for n, part in scattered.items()}  # fmt: skip
    tally, done, total = Tally([[] for _ in parts]), 0, sum(len(p) for p in parts)
    for future, (rows, quiet) in as_completed(futures, with_results=True):
        n = futures.pop(future)
        del scattered[n]  # the partition's records are freed on the worker
        if is_folder_output(output):
            write_hits(output / PART.format(n), rows)
        else:
            tally.rows[n] = rows
        tally.hits += len(rows)
        tally.alerted += len({r["id"] for r in rows})  # a record's hits are in one partition
        tally.suppressed += quiet
        done += len(parts[n])
        if progress is not None:
            progress(done, total)
    return tally


# In each worker process: the index assembled once per job key, and a lock so that two
# threads of one worker never swap `batch._SHARED` under each other.
_LOADED: dict[str, ScreenIndex] = {}
_LOCK = threading.Lock()


def _index(job: Job, arrays: Columns | None) -> ScreenIndex:
    held = _LOADED.get(job.key)
    if held is None:
        columns = arrays if job.folder is None else persist.load(Path(job.folder))
        if columns is None:
            raise BadInput(f"a Dask worker cannot read the screening index at {job.folder}")
        _LOADED.clear()  # one job's index at a time: an earlier run's is of no more use
        held = _LOADED[job.key] = assemble(columns)
    return held


def screen_partition(job: Job, arrays: Columns | None,
                     records: list[dict[str, str]]) -> tuple[HitRows, int]:  # fmt: skip
    """On a worker: screen one partition with the single-process run's own function; its
    hit rows and the number of hits a false-positive decision silenced."""
    with _LOCK:
        index = _index(job, arrays)
        batch._SHARED.update(index=index, options=job.options, silenced=job.silenced)
        _, rows, quiet = batch.screen_records(records)
    return rows, quiet
