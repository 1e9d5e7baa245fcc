"""Benchmark: target search by name (`/targets?q=`, `concord target`) and the designation
read model on a resolved store.

Run: `.venv/bin/python bench/search.py [--store /tmp/me.sqlite] [--repeat 20]`. It prints
the build times of the read model and the screening index (paid once per store state, at
web start by `warm`), then for each query the median and worst latency of the web search
(`search_targets`, index warm) and of the command line's lookup (`resolve.run.target`, SQL on
entry names, no index), and the target each finds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from concord.resolve.run import target
from concord.screen import get_index
from concord.store import Store
from concord.store.designations import designation_set
from concord.web.views import search_targets

QUERIES = ("Chen Quanguo", "zhu hailun", "陈全国", "quanguo chen", "Kadyrov Ramzan",
           "National Iranian Oil Company", "Quangu", "us-ofac:23343")  # fmt: skip


def _timed(func: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    times, found = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        found = func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", default=os.environ.get("CONCORD_DATABASE_URL", ""))
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    url = args.store if "://" in args.store else f"sqlite:///{args.store or 'var/concord.sqlite'}"
    store = Store(url)
    start = time.perf_counter()
    count = len(designation_set(store).all)
    print(f"read model: {count} designations built in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    size = get_index(store).size
    print(f"screening index: {size} names built in {time.perf_counter() - start:.1f} s")
    print(f"{'query':32} {'web p50':>8} {'web max':>8} {'cli p50':>8}  found")
    for q in QUERIES:
        web50, webmax, found = _timed(lambda q=q: search_targets(store, q), args.repeat)  # type: ignore[misc]
        cli50, _, first = _timed(lambda q=q: target(store, q), max(3, args.repeat // 5))  # type: ignore[misc]
        top = found["targets"][0]["target_id"] if found["targets"] else "-"
        same = "" if top == first["target_id"] else f" (cli: {first['target_id']})"
        print(f"{q:32} {web50:7.1f}ms {webmax:7.1f}ms {cli50:7.1f}ms  {top}{same}")


if __name__ == "__main__":
    main()
