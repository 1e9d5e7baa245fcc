"""Screen a file of customer records with worker processes, resumable if interrupted.

The built index is shared with the workers by forking after it is built (copy-on-write),
so each worker starts at once. Progress is journaled next to the output
(`hits.csv.partial`, one JSON line per finished chunk): a run that is killed resumes on the
next call with the same output, skipping the records already screened; the final file is
written only when every record is done, and the journal is then removed.
"""

from __future__ import annotations

import functools
import gc
import json
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from concord.errors import BadInput
from concord.screen.decisions import Suppressions, apply, suppressions
from concord.screen.files import read_records, write_hits
from concord.screen.index import ScreenIndex, get_index
from concord.screen.query import THRESHOLD, Filters, Query, check_schema, clean_country, screen
from concord.store import Store

CHUNK = 100
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BatchOptions:
    """How to screen each record of a batch."""

    filters: Filters = field(default_factory=Filters)
    threshold: float = THRESHOLD
    limit: int = 5
    workers: int = 2


@dataclass
class BatchReport:
    """What a batch run did."""

    records: int
    resumed: int
    screened: int
    hits: int
    alerted: int
    suppressed: int
    seconds: float
    workers: int

    @property
    def rate(self) -> float:
        """Records screened per second in this run."""
        return self.screened / self.seconds if self.seconds else 0.0


# Set in the parent before the workers fork, read by them: the index is never pickled.
_SHARED: dict[str, Any] = {}


def screen_records(chunk: list[dict[str, str]]) -> tuple[list[str], list[dict[str, Any]], int]:
    """Screen records with the shared index: their ids, hit rows and suppressed count."""
    index: ScreenIndex = _SHARED["index"]
    options: BatchOptions = _SHARED["options"]
    silenced: Suppressions = _SHARED["silenced"]
    rows, quiet = [], 0
    for record in chunk:
        query = Query([record["name"]], record.get("schema") or None,
                      [record["dob"]] if record.get("dob") else [],
                      [record["country"]] if record.get("country") else [],
                      options.filters, options.threshold, options.limit)  # fmt: skip
        for hit in apply(screen(index, query), record["id"], silenced):
            if hit.suppressed:
                quiet += 1
            else:
                rows.append({"id": record["id"], "name": record["name"], **hit.as_dict()})
    return [r["id"] for r in chunk], rows, quiet


def _journal(output: Path) -> Path:
    return output.with_name(output.name + ".partial")


def _resume(journal: Path) -> tuple[set[str], list[dict[str, Any]], int]:
    """What an interrupted run finished; a torn last line is dropped from the journal."""
    done: set[str] = set()
    rows: list[dict[str, Any]] = []
    quiet, good = 0, 0
    with journal.open("rb") as handle:
        for line in handle:
            try:
                chunk = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError):
                break
            done.update(chunk["ids"])
            rows.extend(chunk["hits"])
            quiet += chunk["suppressed"]
            good += len(line)
    with journal.open("r+b") as handle:
        handle.truncate(good)
    return done, rows, quiet


def _chunks(records: list[dict[str, str]]) -> Iterator[list[dict[str, str]]]:
    for start in range(0, len(records), CHUNK):
        yield records[start : start + CHUNK]


def _results(todo: list[dict[str, str]], workers: int) -> Iterator[Any]:
    if workers <= 1 or len(todo) <= CHUNK:
        yield from map(screen_records, _chunks(todo))
        return
    # Objects built so far are never freed: the collector leaves them alone, so the forked
    # workers do not copy the index's memory pages by touching them.
    gc.freeze()
    # Workers ignore Ctrl-C: the parent stops them and keeps the journal for a resume.
    init = functools.partial(signal.signal, signal.SIGINT, signal.SIG_IGN)
    with multiprocessing.get_context("fork").Pool(workers, initializer=init) as pool:
        yield from pool.imap(screen_records, _chunks(todo))


def _validate(records: list[dict[str, str]]) -> None:
    for number, record in enumerate(records, 1):
        try:
            check_schema(record.get("schema") or None)
        except BadInput as exc:
            raise BadInput(f"record {number}: {exc}") from None
        if record.get("country"):
            try:
                clean_country(record["country"])
            except BadInput:
                raise BadInput(f"record {number}: unknown country {record['country']!r}") from None


def screen_file(store: Store, source: Path, output: Path, options: BatchOptions,
                progress: Progress | None = None) -> BatchReport:  # fmt: skip
    """Screen every record of `source` into `output`, resuming an interrupted run."""
    records = read_records(source)
    _validate(records)
    write_hits(output, [])  # fail early on an unwritable output or unknown type
    journal = _journal(output)
    done, rows, quiet = _resume(journal) if journal.exists() else (set(), [], 0)
    wanted = {r["id"] for r in records}
    rows = [r for r in rows if r["id"] in wanted]  # the input may have lost records since
    resumed = len(done & wanted)
    todo = [r for r in records if r["id"] not in done]
    _SHARED.update(index=get_index(store), options=options, silenced=suppressions(store))
    started, finished = time.perf_counter(), resumed
    with journal.open("a", encoding="utf-8") as handle:
        for ids, hits, silenced in _results(todo, options.workers):
            handle.write(json.dumps({"ids": ids, "hits": hits, "suppressed": silenced},
                                    ensure_ascii=False) + "\n")  # fmt: skip
            handle.flush()
            os.fsync(handle.fileno())
            rows.extend(hits)
            quiet += silenced
            finished += len(ids)
            if progress is not None:
                progress(finished, len(records))
    write_hits(output, rows)
    journal.unlink()
    return BatchReport(len(records), resumed, len(todo), len(rows),
                       len({r["id"] for r in rows}), quiet,
                       time.perf_counter() - started, options.workers)  # fmt: skip
