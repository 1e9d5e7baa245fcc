"""Print the full records of labelled or candidate pairs side by side, for review.

Every current statement of both entries (names, dates, places, positions, remarks,
identity documents, addresses, sanctions with their programmes and listing dates), read
from a store. The output holds list content: it is for reading, never for committing.

    .venv/bin/python bench/resolve_eval2/show.py --store var/concord.sqlite pairs.csv > /tmp/r.txt
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path

SKIP = {"id", "sourceUrl", "topics"}


def record(conn: sqlite3.Connection, key: str) -> list[str]:
    head = conn.execute(
        "SELECT schema, caption, first_seen, last_seen, present FROM entries WHERE entry_key = ?",
        (key,),
    ).fetchone()
    if head is None:
        return [f"  {key}: not in the store"]
    schema, caption, first, last, present = head
    lines = [f"  [{key}] {schema} {caption!r}  on the list {first}..{last}"
             + ("" if present else "  (DELISTED)")]  # fmt: skip
    rows = conn.execute(
        "SELECT entity_id, schema, prop, value FROM statements WHERE entry_key = ? "
        "AND last_snapshot IS NULL ORDER BY entity_id, prop, id",
        (key,),
    ).fetchall()
    if not rows:  # a delisted entry: its last statements
        rows = conn.execute(
            "SELECT entity_id, schema, prop, value FROM statements WHERE entry_key = ? "
            "AND last_seen = (SELECT MAX(last_seen) FROM statements WHERE entry_key = ?) "
            "ORDER BY entity_id, prop, id",
            (key, key),
        ).fetchall()
    by: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for entity_id, ent_schema, prop, value in rows:
        if prop not in SKIP:
            by[(ent_schema, entity_id)][prop].append(value)
    for (ent_schema, _), props in sorted(by.items(), key=lambda kv: kv[0][0] != schema):
        lines.append(f"    {ent_schema}:")
        for prop, values in sorted(props.items()):
            text = " | ".join(dict.fromkeys(values))
            lines.append(f"      {prop}: {text[:1500]}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default="var/concord.sqlite")
    parser.add_argument("pairs", type=Path)
    args = parser.parse_args(argv)
    conn = sqlite3.connect(f"file:{Path(args.store).resolve()}?mode=ro", uri=True)
    with args.pairs.open(encoding="utf-8") as fh:
        for n, row in enumerate(csv.DictReader(fh), 1):
            print(f"=== pair {n}: {row['key_a']}  vs  {row['key_b']}  ({row.get('stratum', '')})")
            for key in (row["key_a"], row["key_b"]):
                print("\n".join(record(conn, key)))
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
