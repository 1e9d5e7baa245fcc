"""Benchmark: ingest the whole mirror from empty, then one new snapshot into a full store.

Prints seconds and store size. Run: `.venv/bin/python bench/ingest.py` (reads CONCORD_MIRROR,
default ../shared/data/raw). Goal on a 2-core machine: whole mirror < 60 s, one new
snapshot < 3 s.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from concord.ingest import ingest_files, ingest_mirror
from concord.ingest.folders import discover
from concord.resolve.run import resolve
from concord.sources.registry import sources
from concord.store import Store

MIRROR = Path(os.environ.get("CONCORD_MIRROR", "../shared/data/raw")).resolve()


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def _linked_mirror(root: Path, leave_out: set[Path]) -> Path:
    """A mirror of symlinks to the real files, without some snapshot folders."""
    out = root / "mirror"
    for folder in MIRROR.glob("*/*"):
        if folder.is_dir() and folder not in leave_out:
            target = out / folder.parent.name / folder.name
            target.mkdir(parents=True)
            for path in folder.iterdir():
                (target / path.name).symlink_to(path)
    return out


def main() -> int:
    folders, _ = discover(MIRROR, set(sources()))
    newest_us = max((f for f in folders if f.source == "us-ofac"), key=lambda f: f.observed)
    newest_un = max((f for f in folders if f.source == "un-sc"), key=lambda f: f.observed)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "full.sqlite"
        store = Store(f"sqlite:///{db}")
        start = time.perf_counter()
        report = ingest_mirror(store, MIRROR)
        whole = time.perf_counter() - start
        print(
            f"whole mirror from empty: {whole:.1f} s ({report.count('added')} snapshots added, "
            f"{len(report.refused)} refused); store {_size(db) / 1e6:.1f} MB"
        )

        partial_db = Path(tmp) / "partial.sqlite"
        partial = Store(f"sqlite:///{partial_db}")
        left_out = {Path(newest_us.label), Path(newest_un.label)}
        ingest_mirror(partial, _linked_mirror(Path(tmp), left_out))
        first = resolve(partial)
        start = time.perf_counter()
        ingest_files(partial, "us-ofac", newest_us.observed, newest_us.paths)
        one = time.perf_counter() - start
        print(f"one new snapshot ({newest_us.label}) into a full store: {one:.2f} s")
        ingest_files(partial, "un-sc", newest_un.observed, newest_un.paths)
        start = time.perf_counter()
        after = resolve(partial)
        print(
            f"then the newest UN snapshot, and resolving incrementally (what `concord ingest` "
            f"does): {time.perf_counter() - start:.1f} s for {after.changed} entries new or "
            f"changed and {after.removed} gone, {after.scored} pairs scored (the first, full "
            f"run: {first.scored} pairs, {first.seconds:.1f} s)"
        )
        start = time.perf_counter()
        again = ingest_mirror(store, MIRROR)
        print(
            f"re-ingest of the unchanged mirror: {time.perf_counter() - start:.1f} s "
            f"({again.count('unchanged')} snapshots already in the store)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
