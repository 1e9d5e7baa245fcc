"""Benchmark: batch screening in one process against a Dask LocalCluster of worker processes.

Run: `.venv/bin/python bench/screen_dask.py --store /tmp/dask_bench.sqlite [--records
1000000] [--workers 2] [--partition 10000]` on a resolved store. It generates the customer
records (names drawn from the store's entries: exact, one typo, words reversed; and made-up
names no list holds), writes them as one Parquet file, screens them with the single-process
path (`concord screen --input --workers 1`) and with `--dask local` (the workers' processes,
one thread each), checks that both give the same hits, and prints records/s of each and the
Dask run's throughput per core as a share of the single process's.

The Dask figure is the whole command's wall time: cluster start, reading the input, shipping
partitions, writing the output. Other processes on the machine skew both figures; the load
average is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from concord.screen import BatchOptions, get_index, screen_file
from concord.screen.distributed import LOCAL, DaskOptions, screen_on_dask
from concord.screen.files import HIT_COLUMNS
from concord.store import Store

SYLLABLES = ["ka", "lo", "mir", "zen", "ta", "vor", "quel", "bri", "dun", "os", "pa", "rix"]


def generate(store: Store, count: int, seed: int) -> list[dict[str, str]]:
    """Generated customer records: names drawn from the store, varied, plus made-up ones."""
    index, rng = get_index(store), random.Random(seed)
    out = []
    for n in range(count):
        name = index.profiles[rng.randrange(index.size)].caption
        kind = rng.random()
        if kind < 0.25:
            at = rng.randrange(len(name))
            name = name[:at] + name[at + 1 :]
        elif kind < 0.4:
            name = " ".join(reversed(name.split()))
        elif kind < 0.7:
            name = " ".join(
                "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
                for _ in range(2)
            )
        out.append({"id": f"r{n}", "name": name or "x"})
    return out


def rows(path: Path) -> Counter[tuple[object, ...]]:
    files = sorted(path.glob("part-*.parquet")) if path.is_dir() else [path]
    table = pa.concat_tables([pq.read_table(f) for f in files])
    return Counter(tuple(r[c] for c in HIT_COLUMNS) for r in table.to_pylist())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default=os.environ.get("CONCORD_DATABASE_URL",
                                                          "var/concord.sqlite"))  # fmt: skip
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--partition", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    url = args.store if "://" in args.store else f"sqlite:///{args.store}"
    store = Store(url)
    index = get_index(store)
    print(f"store     {url}: {index.size} entries, {len(index.targets)} targets")
    print(f"load      {os.getloadavg()[0]:.2f} (1-min average) on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="screen-dask-") as temp:
        source, single, parts = (
            Path(temp, "in.parquet"),
            Path(temp, "one.parquet"),
            Path(temp, "parts"),
        )
        started = time.perf_counter()
        pq.write_table(pa.Table.from_pylist(generate(store, args.records, args.seed)), source)
        print(f"generated {args.records} records in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        one = screen_file(store, source, single, BatchOptions(workers=1))
        one_rate = args.records / (time.perf_counter() - started)
        print(f"single    {one_rate:8.0f} records/s  ({one.hits} hits, 1 process)")
        started = time.perf_counter()
        many = screen_on_dask(store, source, parts, BatchOptions(),
                              DaskOptions(LOCAL, args.workers, args.partition))  # fmt: skip
        dask_rate = args.records / (time.perf_counter() - started)
        print(f"dask      {dask_rate:8.0f} records/s  ({many.hits} hits, {many.workers} "
              f"worker processes, partitions of {args.partition})")  # fmt: skip
        print(f"per core  {dask_rate / args.workers / one_rate:.2f} of the single process's")
        same = rows(single) == rows(parts)
        print(f"same hits {same}")
    print(f"load      {os.getloadavg()[0]:.2f} (1-min average)")


if __name__ == "__main__":
    main()
