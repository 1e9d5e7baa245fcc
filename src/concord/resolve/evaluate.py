"""Measure resolution against a labelled set of entry pairs (see bench/resolve_eval/).

Pairwise precision, recall and F1 of automatic merges, and how many records the resolver
puts into the clusters of checked targets beyond what the set says belong there (an upper
bound on wrongly pulled-in records: some may be right but unchecked).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from concord.errors import BadInput
from concord.store import Store
from concord.store.tables import match_pairs, target_members

PAIR_COLUMNS = ["key_a", "key_b", "schema", "label", "evidence", "note"]
MEMBER_COLUMNS = ["anchor", "key", "label", "evidence", "note"]


def _read_rows(path: Path, columns: list[str]) -> list[dict[str, str]]:
    """The rows of an evaluation CSV whose header must be exactly `columns`."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != columns:
            raise BadInput(f"{path}: columns {reader.fieldnames}, expected {columns}")
        return list(reader)


def read_pairs(path: Path) -> list[dict[str, str]]:
    """The rows of a pairs CSV (key_a, key_b, schema, label, evidence, note)."""
    return _read_rows(path, PAIR_COLUMNS)


def read_members(path: Path) -> dict[str, tuple[str, str]]:
    """Labels of records found in checked targets beyond the checked pairs: key -> (the
    checked key it was found with, `same` or `different`). Absent file: no labels."""
    if not path.exists():
        return {}
    return {row["key"]: (row["anchor"], row["label"]) for row in _read_rows(path, MEMBER_COLUMNS)}


def gold_clusters(rows: list[dict[str, str]]) -> dict[str, frozenset[str]]:
    """Each key of a `same` pair -> every key the `same` pairs join it to."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for row in rows:
        if row["label"] == "same":
            parent[find(row["key_a"])] = find(row["key_b"])
    groups: dict[str, set[str]] = defaultdict(set)
    for key in list(parent):
        groups[find(key)].add(key)
    return {key: frozenset(groups[find(key)]) for key in parent}


def evaluate(
    store: Store, rows: list[dict[str, str]], schema: str | None,
    members: dict[str, tuple[str, str]] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Pairwise precision / recall / F1 and the pulled-in rate on the evaluation pairs.

    Records in a checked target that the pairs do not place there ("pulled in") are split
    by the `members` labels into right (`same` as a checked key of that target), wrong
    (`different`) and unknown (not labelled).
    """
    with store.read() as conn:
        target = dict(conn.execute(sa.select(target_members.c.entry_key,
                                             target_members.c.target_id)).all())  # fmt: skip
    by_target: dict[str, set[str]] = defaultdict(set)
    for key, tid in target.items():
        by_target[tid].add(key)
    rows = [r for r in rows if schema is None or r["schema"] == schema]
    tp = fp = fn = tn = 0
    for row in rows:
        joined = target.get(row["key_a"]) is not None and \
            target.get(row["key_a"]) == target.get(row["key_b"])  # fmt: skip
        if row["label"] == "same":
            tp, fn = tp + joined, fn + (not joined)
        else:
            fp, tn = fp + joined, tn + (not joined)
    gold = gold_clusters(rows)
    seen_targets = {target[k] for k in gold if k in target}
    total = pulled = 0
    outcome: dict[str, int] = {"same": 0, "different": 0, "unknown": 0}
    for tid in seen_targets:
        cluster = by_target[tid]
        checked = set().union(*(gold[k] for k in cluster if k in gold))
        total += len(cluster)
        pulled += len(cluster - checked)
        for key in cluster - checked:
            anchor, label = (members or {}).get(key, ("", "unknown"))
            outcome[label if anchor in cluster else "unknown"] += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"pairs": len(rows), "tp": tp, "fp": fp, "fn": fn, "tn": tn,
            "precision": precision, "recall": recall, "f1": f1,
            "pulled_in": pulled, "records_in_checked_targets": total,
            "pulled_right": outcome["same"], "pulled_wrong": outcome["different"],
            "pulled_unknown": outcome["unknown"]}  # fmt: skip


STRATA_COLUMNS = ["key_a", "key_b", "schema", "stratum", "split", "label", "reason"]


def read_strata_pairs(path: Path) -> list[dict[str, str]]:
    """The rows of a name-drawn, reviewed set (bench/resolve_eval2/pairs.csv)."""
    return _read_rows(path, STRATA_COLUMNS)


def outcomes(store: Store, rows: list[dict[str, str]]) -> list[str]:
    """What the last resolution made of each pair: `merged`, `possible` (kept apart, but a
    possible match links their targets, as a gap list shows it) or `apart`."""
    with store.read() as conn:
        target = dict(conn.execute(sa.select(target_members.c.entry_key,
                                             target_members.c.target_id)).all())  # fmt: skip
        links = conn.execute(sa.select(match_pairs.c.key_a, match_pairs.c.key_b).where(
            match_pairs.c.decision.in_(("possible", "refused")))).all()  # fmt: skip
    linked = {frozenset((target.get(a), target.get(b))) for a, b in links}
    out = []
    for row in rows:
        ta, tb = target.get(row["key_a"]), target.get(row["key_b"])
        if ta is not None and ta == tb:
            out.append("merged")
        elif frozenset((ta, tb)) in linked:
            out.append("possible")
        else:
            out.append("apart")
    return out


def measures(rows: list[dict[str, str]], found: list[str]) -> dict[str, Any]:
    """Precision and recall of merges on labelled rows (`unsure` left out), and the share
    of true links a user sees at least as a possible match."""
    tp = fp = fn = tn = flagged = flagged_wrong = 0
    for row, outcome in zip(rows, found, strict=True):
        if row["label"] == "same":
            tp, fn = tp + (outcome == "merged"), fn + (outcome != "merged")
            flagged += outcome == "possible"
        elif row["label"] == "different":
            fp, tn = fp + (outcome == "merged"), tn + (outcome != "merged")
            flagged_wrong += outcome == "possible"
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"same": tp + fn, "different": fp + tn, "tp": tp, "fp": fp, "fn": fn,
            "precision": precision, "recall": recall,
            "recall_with_possible": (tp + flagged) / (tp + fn) if tp + fn else 1.0,
            "possible_on_different": flagged_wrong}  # fmt: skip
