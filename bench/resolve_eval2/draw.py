"""Draw candidate pairs for the name-drawn evaluation set, by name alone.

Independent of the resolver on purpose: no identifier, no birth date and no phonetic key of
Concord's blocking takes part in choosing a pair. Two current entries of different lists
are a candidate when one name of each agrees above a loose threshold (rapidfuzz
`token_set_ratio` >= 85 on names folded to ASCII, at least two words matched). Dates and
other fields are used only afterwards, to put each pair into a stratum, so that every
stratum holds both the pairs the resolver finds hard and the namesakes it must keep apart.

    .venv/bin/python bench/resolve_eval2/draw.py --store var/concord.sqlite > candidates.csv

The output holds entry keys, schema, stratum, split and the name score: no list content.
A pair's split (`dev` / `heldout`) is a hash of its keys, so it never depends on a label.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

from rapidfuzz import fuzz

from concord.model.regimes import registry

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "resolve_eval"))
from records import Record, load, name_tokens

PER_STRATUM = {
    "no-date": 130,
    "initials": 50,
    "patronymic": 90,
    "translit": 90,
    "dob-conflict": 70,
    "common": 60,
    "plain": 40,
    "org-variant": 50,
    "org-exact": 30,
}
MAX_POSTING = 400  # a word on more entries than this draws no pairs by itself
HELDOUT = 0.3


MAGNITSKY = registry().magnitsky_keys()
FOCUS = 0.6  # share of each stratum drawn from pairs that touch a Magnitsky-class entry


def magnitsky(rec: Record) -> bool:
    return bool(MAGNITSKY & set(rec.props.get("sanction.programId", [])))


def kind(rec: Record) -> str:
    if rec.schema == "Person":
        return "person"
    if rec.schema in ("Vessel", "Airplane"):
        return rec.schema.lower()
    return "org"


def forms(rec: Record) -> list[tuple[str, ...]]:  # sorted: ties break the same way
    out = []
    for name in sorted(rec.names):
        tokens = name_tokens(name, rec.schema)
        if tokens:
            out.append(tokens)
    return out


def compatible(x: str, y: str) -> bool:
    n = min(len(x), len(y))
    return x[:n] == y[:n]


def split_of(a: str, b: str) -> str:
    digest = hashlib.sha1(f"{a}|{b}|eval2".encode()).digest()
    return "heldout" if digest[0] / 256 < HELDOUT else "dev"


def order(a: str, b: str) -> int:
    return int(hashlib.sha1(f"{a}|{b}|order".encode()).hexdigest()[:8], 16)


def best_pair(fa: list[tuple[str, ...]], fb: list[tuple[str, ...]]) -> tuple[float, tuple, tuple]:
    best = (0.0, (), ())
    for ta in fa:
        for tb in fb:
            if min(len(ta), len(tb)) < 2:
                continue
            sa, sb = " ".join(ta), " ".join(tb)
            score = fuzz.token_set_ratio(sa, sb)
            if score > best[0] or (
                score == best[0] and len(ta) + len(tb) > len(best[1]) + len(best[2])
            ):
                best = (score, ta, tb)
    return best


def stratum(a: Record, b: Record, ta: tuple, tb: tuple, freq: Counter[str], top: int) -> str:
    if kind(a) != "person":
        return "org-exact" if sorted(ta) == sorted(tb) else "org-variant"
    da, db = a.birth_dates, b.birth_dates
    if da and db and not any(compatible(x, y) for x in da for y in db):
        return "dob-conflict"
    if not da or not db:
        return "no-date"
    if any(len(t) == 1 for t in ta + tb):
        return "initials"
    if len(ta) != len(tb):
        return "patronymic"
    if sorted(ta) != sorted(tb):
        return "translit"
    if all(freq[t] >= top for t in ta):
        return "common"
    return "plain"


def draw(records: dict[str, Record]) -> list[dict[str, str]]:
    recs = [r for r in records.values() if kind(r) in ("person", "org")]
    all_forms = {r.key: forms(r) for r in recs}
    freq: Counter[str] = Counter()
    postings: dict[str, set[str]] = defaultdict(set)
    for r in recs:
        words = {t for f in all_forms[r.key] for t in f if len(t) >= 2}
        freq.update(words)
        for t in words:
            postings[t].add(r.key)
    top = sorted(freq.values(), reverse=True)[min(200, len(freq) - 1)]
    seen: set[tuple[str, str]] = set()
    rows = []
    for keys in postings.values():
        if len(keys) > MAX_POSTING:
            continue
        for x, y in combinations(sorted(keys), 2):
            a, b = records[x], records[y]
            if a.source == b.source or kind(a) != kind(b) or (x, y) in seen:
                continue
            seen.add((x, y))
            score, ta, tb = best_pair(all_forms[x], all_forms[y])
            if score < 85:
                continue
            shared = len(set(ta) & set(tb)) + sum(
                1
                for t in set(ta) - set(tb)
                if any(fuzz.ratio(t, u) >= 80 for u in set(tb) - set(ta))
            )
            if shared < 2:
                continue
            rows.append(
                {
                    "key_a": x,
                    "key_b": y,
                    "schema": "Person" if kind(a) == "person" else "Organization",
                    "stratum": stratum(a, b, ta, tb, freq, top),
                    "split": split_of(x, y),
                    "name_score": f"{score:.0f}",
                    "focus": "1" if magnitsky(a) or magnitsky(b) else "0",
                }
            )
    return rows


def sample(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    by: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by[row["stratum"]].append(row)
    out = []
    for name, cap in PER_STRATUM.items():
        pool = sorted(by.get(name, []), key=lambda r: order(r["key_a"], r["key_b"]))
        focus = [r for r in pool if r["focus"] == "1"][: round(cap * FOCUS)]
        rest = [r for r in pool if r not in focus][: cap - len(focus)]
        out.extend(focus + rest)
    return sorted(out, key=lambda r: (r["stratum"], r["key_a"], r["key_b"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default="var/concord.sqlite")
    parser.add_argument("--all", action="store_true", help="every candidate, no sampling")
    args = parser.parse_args(argv)
    rows = draw(load(args.store))
    counts = Counter(r["stratum"] for r in rows)
    print("candidates per stratum:", dict(sorted(counts.items())), file=sys.stderr)
    chosen = rows if args.all else sample(rows)
    writer = csv.DictWriter(
        sys.stdout, ["key_a", "key_b", "schema", "stratum", "split", "name_score", "focus"]
    )
    writer.writeheader()
    writer.writerows(chosen)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
