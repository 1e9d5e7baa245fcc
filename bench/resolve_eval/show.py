"""Print pairs from pairs.csv side by side with the records' content, for human review.

    .venv/bin/python bench/resolve_eval/show.py --store var/concord.sqlite \
        [--pairs bench/resolve_eval/pairs.csv] [--evidence name+dob] [--label same] \
        [--source-pair us-ofac~gb-ofsi] [--sample 50] [--keys KEY_A KEY_B]

The content comes from the store at run time; nothing here is written to disk.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from records import Record, load

HERE = Path(__file__).resolve().parent


def describe(rec: Record | None, key: str, width: int) -> list[str]:
    """A few short lines about one record."""
    if rec is None:
        return [f"{key}: MISSING from store"]
    names = sorted(rec.names - {rec.caption}, key=len)[:4]
    lines = [f"{key} [{rec.program}] {rec.caption}"]
    if names:
        lines.append("   aka: " + " | ".join(names))
    facts = []
    if rec.birth_dates:
        facts.append("dob " + ",".join(sorted(rec.birth_dates)))
    if rec.nationalities:
        facts.append("nat " + ",".join(sorted(rec.nationalities)))
    for prop in ("birthPlace", "gender"):
        if rec.props.get(prop):
            facts.append(f"{prop} " + ",".join(sorted(set(rec.props[prop])))[:60])
    if rec.identifiers:
        facts.append("ids " + ",".join(sorted(rec.identifiers))[:80])
    if rec.unsc:
        facts.append("un " + ",".join(sorted(rec.unsc)))
    if rec.imo:
        facts.append("imo " + ",".join(sorted(rec.imo)))
    if facts:
        lines.append("   " + "; ".join(facts))
    for prop in ("position", "notes"):
        for value in rec.props.get(prop, [])[:2]:
            lines.append(f"   {prop}: " + " ".join(value.split())[:width])
    return lines


def brief(rec: Record | None, key: str) -> str:
    """One line about one record."""
    if rec is None:
        return f"{key}: MISSING"
    aka = sorted((n for n in rec.names - {rec.caption} if n.isascii()), key=len)[:2]
    bits = [f"{key} {rec.caption}"]
    if aka:
        bits.append("aka " + " | ".join(aka))
    bits.append("dob " + ",".join(sorted(rec.birth_dates)) if rec.birth_dates else "dob -")
    if rec.nationalities:
        bits.append("nat " + ",".join(sorted(rec.nationalities)))
    role = (rec.props.get("position") or rec.props.get("notes") or [""])[0]
    if role:
        bits.append(" ".join(role.split())[:60])
    return " ; ".join(bits)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path("var/concord.sqlite"))
    parser.add_argument("--pairs", type=Path, default=HERE / "pairs.csv")
    parser.add_argument("--evidence", help="only pairs whose evidence contains this code")
    parser.add_argument("--label", choices=("same", "different"))
    parser.add_argument("--source-pair", help="e.g. us-ofac~gb-ofsi")
    parser.add_argument("--note", help="only pairs whose note contains this text")
    parser.add_argument("--sample", type=int, help="a random sample of this many pairs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--width", type=int, default=110)
    parser.add_argument("--compact", action="store_true", help="one line per record")
    parser.add_argument("--keys", nargs="*", help="show these entry keys instead of pairs")
    args = parser.parse_args(argv)

    records = load(args.store)
    if args.keys:
        for key in args.keys:
            print("\n".join(describe(records.get(key), key, args.width)))
        return 0
    with args.pairs.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    if args.evidence:
        rows = [r for r in rows if args.evidence in r["evidence"].split(";")]
    if args.label:
        rows = [r for r in rows if r["label"] == args.label]
    if args.note:
        rows = [r for r in rows if args.note in r["note"]]
    if args.source_pair:
        rows = [
            r
            for r in rows
            if f"{r['key_a'].split(':')[0]}~{r['key_b'].split(':')[0]}" == args.source_pair
        ]
    if args.sample and args.sample < len(rows):
        rows = random.Random(args.seed).sample(rows, args.sample)
    for i, r in enumerate(rows, 1):
        if args.compact:
            print(f"#{i} {r['evidence']}")
            for key in (r["key_a"], r["key_b"]):
                print("   " + brief(records.get(key), key))
            continue
        print(f"#{i} {r['label']} {r['evidence']} -- {r['note']}")
        for key in (r["key_a"], r["key_b"]):
            print("\n".join(describe(records.get(key), key, args.width)))
        print()
    print(f"{len(rows)} pairs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
