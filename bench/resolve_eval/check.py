"""Check pairs.csv against a store and print its counts.

    .venv/bin/python bench/resolve_eval/check.py --store var/concord.sqlite

Verifies that every key of every pair is an entry of the store (and, unless --allow-absent,
a present one), that schemas agree, that labels and evidence codes are known, that no pair
appears twice, and that no `different` pair is joined by a chain of `same` pairs. Exits 1
with one line per problem. Importable: `check(pairs_path, store_path)` returns the problems
and `counts(rows)` the figures, so a test can call them.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from concord.resolve.evaluate import gold_clusters, read_pairs

HERE = Path(__file__).resolve().parent
LABELS = {"same", "different"}
EVIDENCE = {
    "unsc-ref",
    "passport",
    "id-number",
    "imo",
    "registration",
    "ca-schedules",
    "list-duplicate",
    "name+dob",
    "dob+name-variant",
    "name+dob-year",
    "name-dob-conflict",
    "alias-dob-conflict",
    "patronymic-conflict",
    "reviewer",
}


def source_pair(row: dict[str, str]) -> str:
    return f"{row['key_a'].split(':', 1)[0]}~{row['key_b'].split(':', 1)[0]}"


def counts(rows: list[dict[str, str]]) -> dict[str, Any]:
    """Figures for the README: per label, schema, source pair, evidence and hard-case tag."""
    primary = [r["evidence"].split(";")[0] for r in rows]
    tags: Counter[str] = Counter()
    for r in rows:
        for part in r["note"].split("; "):
            if part.startswith("hard:"):
                tags[(r["schema"], part)] += 1  # type: ignore[index]
    return {
        "pairs": len(rows),
        "label": Counter((r["label"], r["schema"]) for r in rows),
        "source_pair": Counter((r["label"], r["schema"], source_pair(r)) for r in rows),
        "primary_evidence": Counter(
            (r["label"], r["schema"], e) for r, e in zip(rows, primary, strict=True)
        ),
        "any_evidence": Counter(
            (r["label"], code) for r in rows for code in r["evidence"].split(";")
        ),
        "hard_cases": tags,
    }


def check(pairs_path: Path, store_path: Path, allow_absent: bool = False) -> list[str]:
    """Problems found (empty when the set is consistent with the store)."""
    problems: list[str] = []
    rows = read_pairs(pairs_path)
    conn = sqlite3.connect(f"file:{store_path.resolve()}?mode=ro", uri=True)
    try:
        entries = {
            key: (schema, bool(present))
            for key, schema, present in conn.execute(
                "SELECT entry_key, schema, present FROM entries"
            )
        }
    finally:
        conn.close()
    seen: set[tuple[str, str]] = set()
    for n, r in enumerate(rows, 2):
        where = f"{pairs_path.name}:{n}"
        pair = (min(r["key_a"], r["key_b"]), max(r["key_a"], r["key_b"]))
        if r["key_a"] == r["key_b"]:
            problems.append(f"{where}: a key paired with itself")
        if pair in seen:
            problems.append(f"{where}: duplicate pair {pair}")
        seen.add(pair)
        if r["label"] not in LABELS:
            problems.append(f"{where}: unknown label {r['label']!r}")
        unknown = set(r["evidence"].split(";")) - EVIDENCE
        if unknown:
            problems.append(f"{where}: unknown evidence {sorted(unknown)}")
        for key in (r["key_a"], r["key_b"]):
            if key not in entries:
                problems.append(f"{where}: {key} is not in the store")
                continue
            schema, present = entries[key]
            if schema != r["schema"]:
                problems.append(f"{where}: {key} is a {schema}, not a {r['schema']}")
            if not present and not allow_absent:
                problems.append(f"{where}: {key} is no longer present in its list")
    problems.extend(_contradictions(rows))
    return problems


def _contradictions(rows: list[dict[str, str]]) -> list[str]:
    joined = gold_clusters(rows)
    return [
        f"contradiction: {r['key_a']} and {r['key_b']} are labelled different "
        "but joined by same-pairs"
        for r in rows
        if r["label"] == "different" and r["key_b"] in joined.get(r["key_a"], frozenset())
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path("var/concord.sqlite"))
    parser.add_argument("--pairs", type=Path, default=HERE / "pairs.csv")
    parser.add_argument("--allow-absent", action="store_true", help="accept delisted entries")
    args = parser.parse_args(argv)

    problems = check(args.pairs, args.store, args.allow_absent)
    figures = counts(read_pairs(args.pairs))
    print(f"{figures['pairs']} pairs")
    for title in ("label", "primary_evidence", "source_pair", "any_evidence", "hard_cases"):
        print(f"\n{title}:")
        for key, n in sorted(figures[title].items()):
            print(f"  {' '.join(key):60} {n}")
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"\n{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
