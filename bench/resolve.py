"""Benchmark: resolve the whole current store; precision, recall and F1 of automatic merges
on the evaluation set in bench/resolve_eval/pairs.csv, and the time it takes.

Run: `.venv/bin/python bench/resolve.py [--store var/concord.sqlite]` (builds a store from
CONCORD_MIRROR first when the file does not exist). Two kinds of wrong merge are counted:
checked pairs wrongly joined, and records pulled into a checked target's cluster that the
evaluation set does not put there (an upper bound: some may be right but unchecked).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from concord.ingest import ingest_mirror
from concord.resolve.evaluate import evaluate, read_members, read_pairs
from concord.resolve.run import resolve
from concord.store import Store

HERE = Path(__file__).resolve().parent
PAIRS = HERE / "resolve_eval" / "pairs.csv"
MEMBERS = HERE / "resolve_eval" / "members.csv"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", default="var/concord.sqlite")
    parser.add_argument(
        "--incremental",
        action="store_true",
        help="Resolve incrementally (default: a full run, from scratch).",
    )
    args = parser.parse_args()
    path = Path(args.store)
    store = Store(f"sqlite:///{path}")
    if not path.exists() or not store.snapshot_rows():
        mirror = Path(os.environ.get("CONCORD_MIRROR", "../shared/data/raw"))
        print(f"building the store from {mirror} ...")
        ingest_mirror(store, mirror)
    start = time.perf_counter()
    report = resolve(store, full=not args.incremental)
    seconds = time.perf_counter() - start
    print(
        f"resolved {report.profiles} entries, {report.pairs} candidate pairs, "
        f"{report.targets} targets ({report.multi} with 2+ entries) in {seconds:.1f} s"
    )
    if not PAIRS.exists():
        print(f"no evaluation set at {PAIRS}")
        return 1
    rows = read_pairs(PAIRS)
    labels = read_members(MEMBERS)
    for schema in ("Person", None):
        m = evaluate(store, rows, schema, labels)
        label = schema or "all schemata"
        print(
            f"{label}: {m['pairs']} pairs (tp {m['tp']}, fp {m['fp']}, fn {m['fn']}, "
            f"tn {m['tn']}): precision {m['precision']:.4f}, recall {m['recall']:.4f}, "
            f"F1 {m['f1']:.4f}; pulled into checked targets: {m['pulled_in']} of "
            f"{m['records_in_checked_targets']} records: {m['pulled_right']} checked right, "
            f"{m['pulled_wrong']} wrong ({m['pulled_wrong'] / m['records_in_checked_targets']:.2%}"
            f"), {m['pulled_unknown']} not checked"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
