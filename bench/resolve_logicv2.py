"""Benchmark: OpenSanctions' logic-v2 matcher (nomenklatura) against Concord's scorer, pair
by pair, on the evaluation set (no clustering: each labelled pair scored on its own).

Run: `.venv/bin/python bench/resolve_logicv2.py [--store var/concord.sqlite]` on a store
that holds the mirror. Prints, per scorer and threshold, precision / recall / F1 on the
person pairs and the seconds per pair.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from followthemoney import model
from nomenklatura.matching import get_algorithm

from concord.resolve.blocking import candidate_pairs
from concord.resolve.evaluate import read_pairs
from concord.resolve.profiles import load_profiles
from concord.resolve.score import compare
from concord.store import Store
from concord.store.statement_table import statements
from concord.store.tables import entries

PAIRS = Path(__file__).resolve().parent / "resolve_eval" / "pairs.csv"


def proxies(store: Store, keys: set[str]) -> dict[str, Any]:
    """The main FtM entity of each entry, with the numbers of its documents folded in."""
    props: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    schema: dict[str, str] = {}
    with store.read() as conn:
        main = dict(conn.execute(sa.select(entries.c.entry_key, entries.c.entity_id)
                                 .where(entries.c.entry_key.in_(keys))).all())  # fmt: skip
        rows = conn.execute(sa.select(statements.c.entry_key, statements.c.entity_id,
                                      statements.c.schema, statements.c.prop,
                                      statements.c.value)
                            .where(statements.c.entry_key.in_(keys),
                                   statements.c.last_snapshot.is_(None)))  # fmt: skip
        for key, entity_id, schema_name, prop, value in rows:
            if entity_id == main.get(key):
                schema[key] = schema_name
                props[key][prop].append(value)
            elif schema_name in ("Passport", "Identification") and prop == "number":
                props[key]["idNumber"].append(value)
    out = {}
    for key in main:
        data = {"id": main[key], "schema": schema.get(key, "LegalEntity"),
                "properties": {p: v for p, v in props[key].items()}}  # fmt: skip
        out[key] = model.get_proxy(data, cleaned=False)
    return out


def prf(results: list[tuple[bool, float]], threshold: float) -> tuple[float, float, float]:
    tp = sum(1 for same, s in results if same and s >= threshold)
    fp = sum(1 for same, s in results if not same and s >= threshold)
    fn = sum(1 for same, s in results if same and s < threshold)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", default="var/concord.sqlite")
    store = Store(f"sqlite:///{parser.parse_args().store}")
    rows = [r for r in read_pairs(PAIRS) if r["schema"] == "Person"]
    keys = {r["key_a"] for r in rows} | {r["key_b"] for r in rows}
    ftm = proxies(store, keys)
    all_profiles = load_profiles(store)
    list(candidate_pairs(all_profiles))  # marks distinctive names, as a resolution run does
    profiles = {p.entry_key: p for p in all_profiles if p.entry_key in keys}
    algo = get_algorithm("logic-v2")
    config = algo.default_config()  # type: ignore[attr-defined]
    scored: dict[str, list[tuple[bool, float]]] = {"logic-v2": [], "concord": []}
    seconds = {"logic-v2": 0.0, "concord": 0.0}
    for row in rows:
        same = row["label"] == "same"
        a, b = row["key_a"], row["key_b"]
        start = time.perf_counter()
        scored["logic-v2"].append((same, algo.compare(ftm[a], ftm[b], config).score))
        seconds["logic-v2"] += time.perf_counter() - start
        start = time.perf_counter()
        scored["concord"].append((same, compare(profiles[a], profiles[b]).score))
        seconds["concord"] += time.perf_counter() - start
    print(f"{len(rows)} person pairs ({sum(r['label'] == 'same' for r in rows)} same)")
    for name, results in scored.items():
        per_pair = seconds[name] / len(rows) * 1000
        for threshold in (0.5, 0.7, 0.85):
            p, r, f = prf(results, threshold)
            print(f"{name:<9} threshold {threshold:.2f}: precision {p:.4f} recall {r:.4f} "
                  f"F1 {f:.4f}  ({per_pair:.2f} ms/pair)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
