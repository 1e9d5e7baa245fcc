"""Benchmark: screening speed and quality on the real store, beside a brute-force baseline.

Run: `.venv/bin/python bench/screen.py [--store /tmp/me.sqlite] [--queries 2000]` on a
resolved store (default: CONCORD_DATABASE_URL, else var/concord.sqlite). It prints, in one
run: the index build time (or its load time, when an earlier run wrote it beside the store);
the wall time of a cold `concord screen NAME` (a new process, the index written before);
queries/s and p50/p99 latency of single queries in process;
records/s of batch screening (the `concord screen --input` path) on 1 and 2 workers; the
same workload through a brute-force baseline (rapidfuzz `cdist` over every listed name);
and the quality of both on two query sets built from the store:

- positives: real cross-list name variants. For each target listed by 2+ lists, the
  primary name one list gives is the query and the target is the expected hit; that list's
  own entries are held out of the search, so only the other lists' spellings can find it.
- negatives: look-alike names that are not listed: a given name of one listed person with
  the surname of another (made here by recombining listed words; a combination that some
  listed name holds is dropped). Any hit at the threshold is a false alert.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from concord.resolve.names import STOPWORDS
from concord.screen import THRESHOLD, BatchOptions, Filters, Query, get_index, screen, screen_file
from concord.screen.index import ScreenIndex
from concord.screen.persist import home as index_folder
from concord.store import Store

TOP = 5
Case = tuple[str, str, str, str]  # query name, schema, expected target id, held-out source


def positives(index: ScreenIndex, count: int, rng: random.Random) -> list[Case]:
    """Cross-list queries: one list's primary name, the target expected, that list held out."""
    cases = []
    for position, target in enumerate(index.targets):
        if len(target.sources) < 2:
            continue
        for entry in index.target_entries[position]:
            profile = index.profiles[entry]
            cases.append((profile.caption, profile.schema, target.target_id, profile.source))
    cases = sorted(set(cases))
    rng.shuffle(cases)
    return cases[:count]


def negatives(index: ScreenIndex, count: int, rng: random.Random) -> list[str]:
    """Given name of one listed person + surname of another, when no listed name has both."""
    people = [p.forms[0][1] for p in index.profiles if p.schema == "Person" and p.forms]
    people = [t for t in people if len(t) >= 2 and all(len(w) > 2 for w in (t[0], t[-1]))]
    listed = [{w for _, t in p.forms for w in t} for p in index.profiles]
    holders: dict[str, set[int]] = {}
    for number, words in enumerate(listed):
        for word in words:
            holders.setdefault(word, set()).add(number)
    out: set[str] = set()
    while len(out) < count:
        a, b = rng.choice(people), rng.choice(people)
        first, last = a[-1], b[0]  # most lists write SURNAME first; either way a recombination
        if first in STOPWORDS or last in STOPWORDS or first == last:
            continue
        if holders.get(first, set()) & holders.get(last, set()):
            continue  # some listed name holds both words: not a clean negative
        out.add(f"{first.title()} {last.title()}")
    return sorted(out)


def _top_targets(index: ScreenIndex, query: Query) -> list[str]:
    return [h.target.target_id for h in screen(index, query)]


def quality(index: ScreenIndex, cases: list[Case], names: list[str]) -> dict[str, float]:
    """Recall in the top 5 (any score, and at the threshold), and the false-alert rate."""
    found = found_alert = variant = variant_found = 0
    for name, schema, expected, source in cases:
        query = Query([name], schema, filters=Filters(exclude_sources=frozenset({source})),
                      threshold=0.0, limit=TOP)  # fmt: skip
        hits = screen(index, query)
        top = [h.target.target_id for h in hits]
        found += expected in top
        found_alert += any(h.target.target_id == expected and h.score >= THRESHOLD for h in hits)
        hard = not any(name == index.profiles[i].caption for i in _others(index, expected, source))
        variant += hard
        variant_found += hard and expected in top
    alerts = sum(bool(_top_targets(index, Query([n]))) for n in names)
    return {"recall": found / len(cases), "recall_alert": found_alert / len(cases),
            "variants": variant, "recall_variant": variant_found / max(1, variant),
            "false_alert": alerts / len(names)}  # fmt: skip


def _others(index: ScreenIndex, target_id: str, source: str) -> list[int]:
    members = index.target_entries[index.by_target_id[target_id]]
    return [i for i in members if index.profiles[i].source != source]


def latency(index: ScreenIndex, names: list[str]) -> dict[str, float]:
    """Single queries in process: p50, p99 (ms) and queries per second."""
    times = []
    cpu = time.process_time()
    for name in names:
        start = time.perf_counter()
        screen(index, Query([name]))
        times.append(time.perf_counter() - start)
    cpu = time.process_time() - cpu
    times.sort()
    return {"p50": 1000 * statistics.median(times),
            "p99": 1000 * times[int(0.99 * (len(times) - 1))],
            "qps": len(times) / sum(times), "cpu": 1000 * cpu / len(times)}  # fmt: skip


def cold_cli(store: Store, names: list[str]) -> dict[str, float]:
    """Wall seconds of `concord screen NAME` in a new process each (the index on disk):
    the median and the slowest."""
    concord = Path(sys.executable).with_name("concord")
    times = []
    for name in names:
        start = time.perf_counter()
        subprocess.run([str(concord), "--database", store.url, "screen", name, "--format", "json"],
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        times.append(time.perf_counter() - start)
    return {"median": statistics.median(times), "max": max(times), "runs": len(times)}


def batch_rate(store: Store, names: list[str], workers: int) -> float:
    """Records per second of `screen_file` (CSV in, CSV out) with this many workers."""
    with tempfile.TemporaryDirectory() as folder:
        source, output = Path(folder) / "in.csv", Path(folder) / "out.csv"
        with source.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "name"])
            writer.writerows((f"c{i}", n) for i, n in enumerate(names))
        start = time.perf_counter()
        screen_file(store, source, output, BatchOptions(workers=workers))
        return len(names) / (time.perf_counter() - start)


class Brute:
    """The baseline: every listed name (folded) scored against the query by rapidfuzz."""

    def __init__(self, index: ScreenIndex) -> None:
        self.names, owners, sources = [], [], []
        for number, profile in enumerate(index.profiles):
            for _, tokens in profile.forms:
                self.names.append(" ".join(tokens))
                owners.append(int(index.entry_target[number]))
                sources.append(profile.source)
        self.owner = np.array(owners)
        self.source = np.array(sources)
        self.index = index

    def top(self, queries: list[str], held_out: list[str | None], workers: int) -> list[list[str]]:
        """The top-5 targets of each query (token_sort_ratio, best name per target)."""
        out = []
        folded = [" ".join(_fold(q)) for q in queries]
        for start in range(0, len(queries), 200):
            matrix = cdist(folded[start : start + 200], self.names, scorer=fuzz.token_sort_ratio,
                           dtype=np.uint8, workers=workers)  # fmt: skip
            for row, source in zip(matrix, held_out[start : start + 200], strict=True):
                if source is not None:
                    row[self.source == source] = 0
                best = np.argpartition(-row.astype(np.int16), 60)[:60]
                ranked = best[np.argsort(-row[best], kind="stable")]
                targets = list(dict.fromkeys(int(self.owner[i]) for i in ranked))[:TOP]
                out.append([self.index.targets[t].target_id for t in targets])
        return out


def _fold(name: str) -> tuple[str, ...]:
    from concord.resolve.names import name_tokens

    return name_tokens(name)


def brute_figures(brute: Brute, cases: list[Case], names: list[str]) -> dict[str, float]:
    """Speed (1 query at a time; a batch on 1 and 2 cores) and recall of the baseline."""
    sample = names[:200]
    times = []
    for name in sample:
        start = time.perf_counter()
        brute.top([name], [None], workers=1)
        times.append(time.perf_counter() - start)
    times.sort()
    rates = {}
    for workers in (1, 2):
        start = time.perf_counter()
        brute.top(names[:1000], [None] * len(names[:1000]), workers)
        rates[workers] = len(names[:1000]) / (time.perf_counter() - start)
    tops = brute.top([c[0] for c in cases], [c[3] for c in cases], workers=2)
    recall = sum(c[2] in top for c, top in zip(cases, tops, strict=True)) / len(cases)
    return {
        "p50": 1000 * statistics.median(times),
        "p99": 1000 * times[int(0.99 * (len(times) - 1))],
        "qps": len(times) / sum(times),
        "rate1": rates[1],
        "rate2": rates[2],
        "recall": recall,
    }


Figures = dict[str, float]


def _table(lat: Figures, rates: tuple[float, float], good: Figures, brute: Figures,
           counts: tuple[int, int], cold: Figures) -> list[tuple[str, str, str]]:  # fmt: skip
    cases, names = counts
    return [
        (f"cold `concord screen NAME`, median of {cold['runs']:.0f} (s)", f"{cold['median']:.2f}",
         "-"),
        ("cold `concord screen NAME`, slowest (s)", f"{cold['max']:.2f}", "-"),
        ("single query p50 (ms)", f"{lat['p50']:.2f}", f"{brute['p50']:.2f}"),
        ("single query p99 (ms)", f"{lat['p99']:.2f}", f"{brute['p99']:.2f}"),
        ("single queries/s (1 core)", f"{lat['qps']:.0f}", f"{brute['qps']:.0f}"),
        ("CPU time per query, mean (ms)", f"{lat['cpu']:.2f}", "-"),
        ("batch records/s, 1 core", f"{rates[0]:.0f}", f"{brute['rate1']:.0f}"),
        ("batch records/s, 2 cores", f"{rates[1]:.0f}", f"{brute['rate2']:.0f}"),
        (f"recall@{TOP}, {cases} cross-list queries", f"{good['recall']:.4f}",
         f"{brute['recall']:.4f}"),
        (f"  of which score >= {THRESHOLD}", f"{good['recall_alert']:.4f}", "-"),
        (f"recall@{TOP}, {good['variants']:.0f} spelled differently",
         f"{good['recall_variant']:.4f}", "-"),
        (f"false-alert rate, {names} look-alikes", f"{good['false_alert']:.4f}", "-"),
    ]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", help="SQLite file (default: CONCORD_DATABASE_URL)")
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    store = Store(f"sqlite:///{args.store}" if args.store else None)
    load = os.getloadavg()
    start = time.perf_counter()
    index = get_index(store)
    build = time.perf_counter() - start
    how = (f"loaded from {index_folder(store)} in {1000 * build:.0f} ms"
           if isinstance(index.entry_target, np.memmap) else f"built in {build:.1f} s")  # fmt: skip
    rng = random.Random(args.seed)
    cases, names = positives(index, args.queries, rng), negatives(index, args.queries // 2, rng)
    workload = [c[0] for c in cases] + names
    print(
        f"index: {index.size} entries, {len(index.targets)} targets, {len(index.postings)} "
        f"name keys, {how}; load average before: {load[0]:.2f} (2 cores)"
    )
    cold = cold_cli(store, ["Ramzan Kadyrov", *workload[:: max(1, len(workload) // 6)][:6]])
    lat = latency(index, workload)
    rates = batch_rate(store, workload, 1), batch_rate(store, workload, 2)
    good = quality(index, cases, names)
    brute = brute_figures(Brute(index), cases, names + [c[0] for c in cases])
    print(f"{'':44} {'concord':>10} {'brute force':>12}")
    for label, ours, theirs in _table(lat, rates, good, brute, (len(cases), len(names)), cold):
        print(f"{label:44} {ours:>10} {theirs:>12}")
    print(
        f"workload: {len(workload)} names ({len(cases)} cross-list, {len(names)} look-alikes); "
        f"load average after: {os.getloadavg()[0]:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
