"""Run per-source series of work in worker processes, streaming results to the caller.

Each job runs whole in one process (a source's snapshots depend on each other, in order);
jobs are spread over at most `workers` processes, largest first. Results arrive as soon as
they are made, so the caller writes one snapshot while the workers build the next.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import traceback
from collections.abc import Callable, Iterable, Iterator
from queue import Empty
from typing import Any

from concord.errors import ConcordError
from concord.model.processes import die_with_parent

Job = tuple[Any, ...]
DONE = "__done__"
FAILED = "__failed__"


def _balance(jobs: list[Job], workers: int) -> list[list[Job]]:
    """Jobs split into `workers` bins of about equal size (by len of their last item)."""
    bins: list[list[Job]] = [[] for _ in range(workers)]
    loads = [0] * workers
    for job in sorted(jobs, key=lambda j: -len(j[-1])):
        index = loads.index(min(loads))
        bins[index].append(job)
        loads[index] += len(job[-1])
    return [b for b in bins if b]


def _work(func: Callable[..., Iterable[Any]], jobs: list[Job], queue: Any, parent: int) -> None:
    die_with_parent(parent)
    try:
        for job in jobs:
            for result in func(*job):
                queue.put(result)
        queue.put(DONE)
    except BaseException:  # a worker must always answer, or the caller waits forever
        queue.put((FAILED, traceback.format_exc()))


def run_series(func: Callable[..., Iterable[Any]], jobs: list[Job], workers: int) -> Iterator[Any]:
    """Every result of `func(*job)` for all jobs; in one process when workers <= 1."""
    if workers <= 1 or len(jobs) <= 1 or "fork" not in mp.get_all_start_methods():
        for job in jobs:
            yield from func(*job)
        return
    ctx = mp.get_context("fork")  # workers inherit the loaded registries; no DB use there
    queue = ctx.Queue(maxsize=64)
    bins = _balance(jobs, workers)
    parent = os.getpid()
    procs = [ctx.Process(target=_work, args=(func, b, queue, parent), daemon=True) for b in bins]
    for proc in procs:
        proc.start()
    running = len(procs)
    try:
        while running:
            try:
                item = queue.get(timeout=600)
            except Empty:
                raise ConcordError("ingest workers gave no result for 10 minutes") from None
            if isinstance(item, str) and item == DONE:
                running -= 1
            elif isinstance(item, tuple) and item and item[0] == FAILED:
                raise ConcordError(f"an ingest worker failed:\n{item[1]}")
            else:
                yield item
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
            proc.join(timeout=5)
