"""List the records the resolver pulls into checked targets, and propose labels for them.

    .venv/bin/python bench/resolve_eval/pulled.py --store var/concord.sqlite \
        [--pairs FILE] [--members FILE] [--out FILE] [--write-members] [--show] \
        [--show-rule CODE]

A *checked target* is a resolved target holding a key of a `same` pair of pairs.csv. Its
*pulled-in* records are its members outside the gold clusters (chains of `same` pairs) of
its checked members. Each one gets an *anchor*: the checked key it is joined to by the
fewest merged pairs (the strongest direct merge on a tie). A label is proposed from evidence
independent of the resolver's score, with the rules of `build.py` (shared passport / ID /
registration / IMO number, same UN reference, name equal after folding and the same birth
date, ...), comparing the record with every member of its anchor's gold cluster and with the
pulled-in records already corroborated. Records no rule corroborates, or that pairs.csv
labels `different` from another member of their target, are left for review.

`--out` writes every proposal (`anchor,key,label,evidence,note`, label empty when left for
review). `--write-members` refreshes the rule rows of `members.csv` and keeps the reviewer's
rows (evidence `reviewer`). `--show` prints the records left for review that members.csv
does not decide yet, beside their anchor's cluster; `--show-rule CODE` prints the records a
rule labelled beside the record that corroborated them. Content goes to stdout only; the
store is opened read-only. Prints counts per outcome.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build import (
    MAX_ID_HOLDERS,
    PRIORITY,
    compatible_dob,
    dob_relation,
    keys_of,
    name_note,
    nat_relation,
    org_keys,
    partial,
    place_tokens,
    primary_keys,
    schedule,
    shingles,
    year_gap,
)
from records import Record, connect, load, name_similarity
from show import brief, describe

from concord.resolve.evaluate import gold_clusters, read_pairs

HERE = Path(__file__).resolve().parent
COLUMNS = ("anchor", "key", "label", "evidence", "note")
CHAINED = "corroborated through another pulled-in member"
SET_APART = "labelled different from another member of its target in pairs.csv"


@dataclass
class Pulled:
    """One record in a checked target that the evaluation set does not place there."""

    key: str
    target: str
    anchor: str
    hops: int | None
    label: str = ""
    evidence: list[str] = field(default_factory=list)
    notes: set[str] = field(default_factory=set)
    hints: set[str] = field(default_factory=set)
    via: str = ""


# --- the resolver's output --------------------------------------------------------------


def read_targets(path: Path) -> tuple[dict[str, str], dict[tuple[str, str], float]]:
    """entry key -> target id, and every merged pair (both orders) -> score."""
    conn = connect(path)
    try:
        target = dict(conn.execute("SELECT entry_key, target_id FROM target_members"))
        merged: dict[tuple[str, str], float] = {}
        query = "SELECT key_a, key_b, score FROM match_pairs WHERE decision = 'merged'"
        for a, b, score in conn.execute(query):
            merged[(a, b)] = merged[(b, a)] = max(score, merged.get((a, b), 0.0))
    finally:
        conn.close()
    return target, merged


def distances(
    start: str, cluster: set[str], merged: dict[tuple[str, str], float]
) -> dict[str, int]:
    """Merged-pair hops from `start` to every member of its cluster it reaches."""
    seen = {start: 0}
    frontier = [start]
    while frontier:
        nxt = []
        for a in frontier:
            for b in cluster:
                if b not in seen and (a, b) in merged:
                    seen[b] = seen[a] + 1
                    nxt.append(b)
        frontier = nxt
    return seen


def find_pulled(
    target: dict[str, str], merged: dict[tuple[str, str], float], gold: dict[str, frozenset[str]]
) -> list[Pulled]:
    """Every pulled-in record of every checked target, with its anchor."""
    members: dict[str, set[str]] = defaultdict(set)
    for key, tid in target.items():
        members[tid].add(key)
    out: list[Pulled] = []
    for tid in sorted({target[k] for k in gold if k in target}):
        cluster = members[tid]
        checked = sorted(k for k in cluster if k in gold)
        inside = set().union(*(gold[k] for k in checked))
        for key in sorted(cluster - inside):
            hops = distances(key, cluster, merged)

            def rank(c: str, hops: dict[str, int] = hops, key: str = key) -> tuple[int, float, str]:
                return (hops.get(c, 99), -merged.get((key, c), 0.0), c)

            anchor = min(checked, key=rank)
            out.append(Pulled(key, tid, anchor, hops.get(anchor)))
    return out


# --- independent evidence, as in build.py -------------------------------------------------


class Numbers:
    """Which passport / ID numbers are personal enough to prove identity (build.py rules)."""

    def __init__(self, records: dict[str, Record]) -> None:
        self.holders: dict[str, list[Record]] = defaultdict(list)
        for rec in records.values():
            if rec.schema == "Person":
                for number in rec.identifiers:
                    self.holders[number].append(rec)
        self.reg_holders: dict[str, list[Record]] = defaultdict(list)
        for rec in records.values():
            if rec.schema == "Organization":
                for number in rec.registrations:
                    self.reg_holders[number].append(rec)

    def usable(self, number: str) -> bool:
        block = self.holders[number]
        if max(Counter(r.source for r in block).values()) > MAX_ID_HOLDERS:
            return False
        for i, a in enumerate(block):
            for b in block[i + 1 :]:
                share, hits = name_similarity(a, b)
                if share < 0.6 or hits < 2:
                    return False
        return True


def person_evidence(a: Record, b: Record, numbers: Numbers) -> list[tuple[str, str]]:
    """(evidence code, field note) for each build.py rule that says a and b are one person."""
    found: list[tuple[str, str]] = []
    _, share, hits = name_note(a, b)
    shared = {n for n in a.identifiers & b.identifiers if numbers.usable(n)}
    names_equal = bool(keys_of(a) & keys_of(b))
    if (
        shared
        and share >= 0.6
        and hits >= 2
        and (not year_gap(a, b) or names_equal or len(shared) >= 2)
    ):
        passport = any(n in a.passports and n in b.passports for n in shared)
        field_note = "passport number equal" if passport else "ID number equal"
        if len(shared) >= 2:
            field_note = f"{len(shared)} identifier numbers equal"
        found.append(("passport" if passport else "id-number", field_note))
    same_list = a.source == b.source
    dup = "ca-schedules" if a.source == "ca-sema" else "list-duplicate"
    if names_equal and a.full_dobs & b.full_dobs:
        found.append((dup if same_list else "name+dob", "birthDate equal (day)"))
    elif a.full_dobs & b.full_dobs and not names_equal and share >= 0.99:
        jan1 = all(d.endswith("-01-01") for d in a.full_dobs & b.full_dobs)
        if hits >= (3 if jan1 else 2) and nat_relation(a, b) != "nationality differs":
            found.append(
                (
                    "dob+name-variant",
                    f"name tokens matched {hits} (all of shorter, near-equal spellings)",
                )
            )
    long_equal = any(len(k.split()) >= 3 for k in keys_of(a) & keys_of(b))
    if long_equal and a.birth_dates and b.birth_dates and (partial(a) or partial(b)):
        one_year = len(a.dob_years | b.dob_years) == 1
        if one_year and nat_relation(a, b) != "nationality differs":
            found.append(("name+dob-year", "birthDate year agrees (partial on one side)"))
    canada = a.source == b.source == "ca-sema" and schedule(a) != schedule(b)
    if canada and primary_keys(a) & primary_keys(b) and compatible_dob(a, b):
        found.append(("ca-schedules", "schedule differs"))
    return found


def other_evidence(a: Record, b: Record, numbers: Numbers) -> list[tuple[str, str]]:
    """(evidence code, field note) for the UN-reference, vessel and organisation rules."""
    found: list[tuple[str, str]] = []
    _, share, hits = name_note(a, b)
    if a.unsc & b.unsc and a.schema == b.schema and share >= 0.5:
        found.append(("unsc-ref", "Sanction.unscId equal"))
    if a.schema == b.schema == "Vessel" and a.imo & b.imo:
        found.append(("imo", "imoNumber equal"))
    if a.schema == b.schema == "Organization":
        for number in a.registrations & b.registrations:
            block = numbers.reg_holders[number]
            unique = len(block) == 2 and a.source != b.source
            if len(block) <= 4 and (unique or (share >= 0.6 and hits >= 2)):
                found.append(("registration", "registration number equal"))
                break
        if a.source == b.source == "ca-sema" and org_keys(a) & org_keys(b):
            code = "list-duplicate" if schedule(a) == schedule(b) else "ca-schedules"
            found.append((code, "name or alias equal after folding (Canada)"))
    return found


def evidence(a: Record, b: Record, numbers: Numbers) -> tuple[list[str], set[str]]:
    """Evidence codes (strongest first) and field notes saying a and b are one target."""
    found = other_evidence(a, b, numbers)
    if a.schema == b.schema == "Person":
        found += person_evidence(a, b, numbers)
    if not found:
        return [], set()
    codes = [c for c in PRIORITY if any(code == c for code, _ in found)]
    notes = {note for _, note in found} | {name_note(a, b)[0], dob_relation(a, b)}
    notes |= {nat_relation(a, b)} - {""}
    if a.source == b.source:
        notes.add("two entries of one list")
    return codes, notes


def conflicts(a: Record, b: Record) -> set[str]:
    """Field phrases that speak against a and b being one target (a hint for the reviewer)."""
    hints: set[str] = set()
    if a.schema != b.schema:
        hints.add("schema differs")
    gap = year_gap(a, b)
    if gap and gap >= 3:
        hints.add("birthDate years differ by >= 3")
    if nat_relation(a, b) == "nationality differs":
        hints.add("nationality differs")
    if not keys_of(a, min_tokens=1) & keys_of(b, min_tokens=1):
        hints.add("no name or alias equal after folding")
    return hints


def negatives_inside(pulled: list[Pulled], pairs: list[dict[str, str]]) -> set[str]:
    """Pulled-in keys that pairs.csv labels `different` from another member of their target."""
    target = {p.key: p.target for p in pulled}
    out: set[str] = set()
    for row in (r for r in pairs if r["label"] == "different"):
        a, b = row["key_a"], row["key_b"]
        if a in target and target[a] == target.get(b):
            out |= {a, b}
    return out


def label(pulled: list[Pulled], records: dict[str, Record], pairs: list[dict[str, str]]) -> None:
    """Label every pulled-in record a rule corroborates with its anchor's gold cluster (or
    with a pulled-in record already corroborated for the same anchor); repeat until stable.
    Records pairs.csv sets apart from another member of their target are left for review."""
    gold = gold_clusters(pairs)
    numbers = Numbers(records)
    known: dict[frozenset[str], set[str]] = {gold[p.anchor]: set(gold[p.anchor]) for p in pulled}
    held = negatives_inside(pulled, pairs)
    for p in (p for p in pulled if p.key in held):
        p.hints.add(SET_APART)
    changed = True
    while changed:
        changed = False
        for p in (p for p in pulled if not p.label and p.key in records and p.key not in held):
            rec = records[p.key]
            for other in sorted(known[gold[p.anchor]]):
                if other not in records:
                    continue
                codes, notes = evidence(rec, records[other], numbers)
                if not codes:
                    continue
                p.label, p.evidence, p.notes, p.via = "same", codes, notes, other
                if other not in gold[p.anchor]:
                    p.notes.add(CHAINED)
                known[gold[p.anchor]].add(p.key)
                changed = True
                break
    for p in (p for p in pulled if not p.label and p.key in records):
        anchor = records.get(p.anchor)
        if anchor is not None:
            p.hints |= conflicts(records[p.key], anchor)


# --- output ---------------------------------------------------------------------------------


def cluster_record(keys: frozenset[str], records: dict[str, Record]) -> Record | None:
    """A gold cluster as one record: the names, dates, places, ... of all its members."""
    members = [records[k] for k in sorted(keys) if k in records]
    if not members:
        return None
    first = members[0]
    out = Record("cluster", first.source, first.schema, "", first.caption)
    for rec in members:
        out.names |= rec.names
        out.birth_dates |= rec.birth_dates
        out.nationalities |= rec.nationalities
        for prop, values in rec.props.items():
            out.props[prop].extend(values)
    return out


def field_phrases(a: Record, b: Record) -> list[str]:
    """How two records compare, in field-name phrases (the start of a reviewer's note)."""
    if primary_keys(a) & keys_of(b) or primary_keys(b) & keys_of(a):
        name = "name equal after folding"
    elif keys_of(a) & keys_of(b):
        name = "alias equal after folding"
    else:
        name = name_note(a, b)[0]
    out = [name, dob_relation(a, b), nat_relation(a, b)]
    if place_tokens(a) & place_tokens(b):
        out.append("birthPlace overlaps")
    if shingles(a) & shingles(b):
        out.append("position / notes share wording")
    return [phrase for phrase in out if phrase]


def rows(pulled: Iterable[Pulled]) -> list[dict[str, str]]:
    """One proposal row per pulled-in record (label empty when left for review)."""
    return [
        {"anchor": p.anchor, "key": p.key, "label": p.label,
         "evidence": ";".join(p.evidence), "note": "; ".join(sorted(p.notes))}
        for p in sorted(pulled, key=lambda p: (p.anchor, p.key))
    ]  # fmt: skip


def read_members(path: Path) -> dict[str, dict[str, str]]:
    """Rows of a members CSV by record key; empty when the file does not exist."""
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8") as fh:
        return {r["key"]: r for r in csv.DictReader(fh)}


def write_rows(path: Path, out: Iterable[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(sorted(out, key=lambda r: (r["anchor"], r["key"])))


def merge_members(pulled: list[Pulled], members: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    """members.csv rows: the reviewer's rows kept (a human decision wins over a rule, and
    stays valid when the resolver no longer pulls the record in), rule rows refreshed."""
    out = {k: r for k, r in members.items() if r["evidence"] == "reviewer"}
    for row in rows(p for p in pulled if p.label):
        out.setdefault(row["key"], row)
    return list(out.values())


def show(p: Pulled, records: dict[str, Record], gold: dict[str, frozenset[str]]) -> None:
    """Print a record left for review beside every member of its anchor's gold cluster."""
    hops = "?" if p.hops is None else str(p.hops)
    print(f"=== {p.key}  (anchor {p.anchor}, {hops} hop(s); {'; '.join(sorted(p.hints))})")
    print("\n".join(describe(records.get(p.key), p.key, 150)))
    print("  --- anchor cluster:")
    for key in sorted(gold[p.anchor]):
        print("\n".join("  " + line for line in describe(records.get(key), key, 150)))
    print()


def report(pulled: list[Pulled], members: dict[str, dict[str, str]]) -> None:
    """Counts per outcome."""
    ruled = [p for p in pulled if p.label]
    left = [p for p in pulled if not p.label]
    print(f"pulled-in records: {len(pulled)} in {len({p.target for p in pulled})} targets")
    print(f"corroborated by a rule: {len(ruled)}")
    for code, n in Counter(p.evidence[0] for p in ruled).most_common():
        print(f"  {code:20} {n}")
    print(f"  of which through another pulled-in member: {sum(CHAINED in p.notes for p in ruled)}")
    print(f"left for review: {len(left)}")
    for hint, n in Counter(h for p in left for h in p.hints).most_common():
        print(f"  {hint:40} {n}")
    decided = Counter(members[p.key]["label"] for p in left if p.key in members)
    print(f"reviewed in the members file: {dict(sorted(decided.items()))}; "
          f"undecided: {len(left) - sum(decided.values())}")  # fmt: skip
    stale = set(members) - {p.key for p in pulled}
    print(f"members rows whose record is not pulled in by this store: {len(stale)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path("var/concord.sqlite"))
    parser.add_argument("--pairs", type=Path, default=HERE / "pairs.csv")
    parser.add_argument("--members", type=Path, default=HERE / "members.csv")
    parser.add_argument("--out", type=Path, help="write every proposal here")
    parser.add_argument("--write-members", action="store_true", help="refresh the rule rows")
    parser.add_argument("--show", action="store_true", help="print records still to review")
    parser.add_argument("--show-rule", metavar="CODE", help="print records this rule labelled")
    args = parser.parse_args(argv)

    pairs = read_pairs(args.pairs)
    gold = gold_clusters(pairs)
    pulled = find_pulled(*read_targets(args.store), gold)
    records = load(args.store, delisted=True)
    label(pulled, records, pairs)
    members = read_members(args.members)
    if args.out:
        write_rows(args.out, rows(pulled))
    if args.write_members:
        write_rows(args.members, merge_members(pulled, members))
        members = read_members(args.members)
    for p in (p for p in pulled if args.show_rule and args.show_rule in p.evidence):
        print(f"=== {p.key} {';'.join(p.evidence)} via {p.via} (anchor {p.anchor})")
        print("\n".join("   " + brief(records.get(k), k) for k in (p.key, p.via)))
    for p in (p for p in pulled if args.show and not p.label and p.key not in members):
        show(p, records, gold)
    report(pulled, members)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
