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
from concord.resolve.evaluate import (
    evaluate,
    measures,
    outcomes,
    read_members,
    read_pairs,
    read_strata_pairs,
)
from concord.resolve.run import resolve
from concord.store import Store

HERE = Path(__file__).resolve().parent
PAIRS = HERE / "resolve_eval" / "pairs.csv"
MEMBERS = HERE / "resolve_eval" / "members.csv"
STRATA = HERE / "resolve_eval2" / "pairs.csv"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", default="var/concord.sqlite")
    parser.add_argument(
        "--incremental",
        action="store_true",
        help="Resolve incrementally (default: a full run, from scratch).",
    )
    parser.add_argument(
        "--split",
        choices=("dev", "heldout", "all"),
        default="dev",
        help="Which part of the name-drawn set to measure (heldout: look once, at the end).",
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
    print("  steps: " + ", ".join(f"{k} {v:.1f} s" for k, v in report.phases.items()))
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
    print_strata(store, args.split)
    return 0


def print_strata(store: Store, split: str) -> None:
    """Precision and recall per stratum of the name-drawn, reviewed set (resolve_eval2)."""
    rows = [r for r in read_strata_pairs(STRATA) if split == "all" or r["split"] == split]
    found = outcomes(store, rows)
    print(
        f"\nname-drawn set ({STRATA.relative_to(HERE.parent)}), split {split}: "
        "P / R of merges; R+possible counts a true link shown as a possible match"
    )
    groups: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(row["stratum"], []).append(i)
        groups.setdefault("persons" if row["schema"] == "Person" else "organisations", []).append(i)
    for name in sorted(groups, key=lambda g: (g in ("persons", "organisations"), g)):
        idx = groups[name]
        m = measures([rows[i] for i in idx], [found[i] for i in idx])
        print(
            f"  {name:<14} same {m['same']:>3} diff {m['different']:>3}  "
            f"P {m['precision']:.3f}  R {m['recall']:.3f}  R+possible "
            f"{m['recall_with_possible']:.3f}  (fp {m['fp']}, fn {m['fn']}, possible on "
            f"different {m['possible_on_different']})"
        )
    if os.environ.get("CONCORD_EVAL_MISSES"):
        for row, outcome in zip(rows, found, strict=True):
            wrong = (row["label"] == "same") != (outcome == "merged")
            if wrong and row["label"] != "unsure":
                print(
                    f"    {row['label']:<9} {outcome:<8} {row['stratum']:<12} "
                    f"{row['key_a']} {row['key_b']}"
                )


if __name__ == "__main__":
    sys.exit(main())
