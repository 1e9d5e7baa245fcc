"""Propose labelled entry pairs for evaluating cross-list entity resolution.

Reads a Concord store (read-only) and writes `pairs.csv`: entry keys, schema, label
(`same` | `different`), the kind of evidence and a note made of field names only. No name,
date or other list content goes into the output; `show.py` looks records up in a store.

    .venv/bin/python bench/resolve_eval/build.py --store var/concord.sqlite

Positives come from evidence independent of, or stronger than, a name match: a shared UN
reference, passport / national-ID or IMO number (with compatible names), or the same folded
name with the same full birth date. Hard negatives are the same folded name with birth
years far apart and nothing else tying the two records together. Reviewer decisions in
`review.csv` drop or relabel pairs on every rebuild.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fingerprints
from records import (
    SOURCES,
    Record,
    is_latin,
    load,
    name_similarity,
    name_tokens,
    token_match,
)
from rigour.territories import get_territories
from rigour.text import jaro_winkler

HERE = Path(__file__).resolve().parent
COLUMNS = ("key_a", "key_b", "schema", "label", "evidence", "note")
# Minimum gap between every pair of birth years for a same-name pair to count as different
# (across lists; within one list, the list itself keeps the two entries apart).
YEAR_GAP = 3
# Identifier values held by more than this many entries of one source are not personal.
MAX_ID_HOLDERS = 2
# Evidence codes, strongest first; a pair's first code is its primary evidence.
PRIORITY = (
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
)
# How many pairs to keep per (source pair, primary evidence); pairs with hard-case tags
# come first. Kinds not listed are kept whole.
CAPS = {
    "unsc-ref": 60,
    "passport": 40,
    "id-number": 30,
    "name+dob": 30,
    "dob+name-variant": 25,
    "name+dob-year": 20,
}
# At most this many negative pairs between the same two clusters of positive pairs.
PER_CLUSTERS = 3
PLACE_STOP = {
    "province",
    "district",
    "city",
    "village",
    "region",
    "governorate",
    "oblast",
    "republic",
    "state",
    "county",
    "town",
    "area",
    "island",
    "islands",
    "former",
    "ussr",
    "soviet",
    "union",
    "now",
}


@dataclass
class Pair:
    """One proposed pair with all the evidence found for it."""

    a: Record
    b: Record
    label: str
    evidence: set[str] = field(default_factory=set)
    notes: set[str] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)

    @property
    def keys(self) -> tuple[str, str]:
        return (self.a.key, self.b.key)

    @property
    def primary(self) -> str:
        return next(e for e in PRIORITY if e in self.evidence)

    @property
    def source_pair(self) -> str:
        return f"{self.a.source}~{self.b.source}"


def order(a: Record, b: Record) -> tuple[Record, Record]:
    """Canonical order: by source (SOURCES order), then key."""

    def rank(r: Record) -> tuple[int, str]:
        return (SOURCES.index(r.source), r.key)

    return (a, b) if rank(a) <= rank(b) else (b, a)


class Proposals:
    """Pairs by key, merging evidence from several generators; rejected candidates aside."""

    def __init__(self) -> None:
        self.pairs: dict[tuple[str, str], Pair] = {}
        self.rejected: dict[tuple[str, str, str], str] = {}

    def add(self, a: Record, b: Record, label: str, evidence: str, *notes: str) -> Pair | None:
        if a.key == b.key:
            return None
        a, b = order(a, b)
        pair = self.pairs.get((a.key, b.key))
        if pair is None:
            pair = self.pairs[(a.key, b.key)] = Pair(a, b, label)
        elif pair.label != label:
            pair.label = "conflict"
        pair.evidence.add(evidence)
        pair.notes.update(n for n in notes if n)
        return pair

    def reject(self, a: Record | str, b: Record | str, evidence: str, why: str) -> None:
        ka = a if isinstance(a, str) else a.key
        kb = b if isinstance(b, str) else b.key
        self.rejected[(min(ka, kb), max(ka, kb), evidence)] = why


# --- comparisons, in words about fields --------------------------------------------------


def keys_of(
    rec: Record, props: Iterable[str] = ("name", "alias", "previousName"), min_tokens: int = 2
) -> set[str]:
    """Word-order-free folded keys of a record's names (two tokens or more by default)."""
    out: set[str] = set()
    for prop in props:
        for n in rec.props.get(prop, []):
            toks = name_tokens(n, rec.schema)
            if len(toks) >= min_tokens:
                out.add(" ".join(sorted(toks)))
    return out


def primary_keys(rec: Record) -> set[str]:
    return keys_of(rec, ("name",))


def partial(rec: Record) -> bool:
    return any(len(d) < 10 for d in rec.birth_dates)


def year_gap(a: Record, b: Record) -> int | None:
    if not a.dob_years or not b.dob_years:
        return None
    return min(abs(x - y) for x in a.dob_years for y in b.dob_years)


def dob_relation(a: Record, b: Record) -> str:
    if not a.birth_dates or not b.birth_dates:
        if a.birth_dates or b.birth_dates:
            return "birthDate missing on one side"
        return "no birthDate"
    if a.full_dobs & b.full_dobs:
        return "birthDate equal (day)"
    if a.birth_dates & b.birth_dates:
        return "birthDate equal (partial)"
    if a.dob_years & b.dob_years:
        if not partial(a) and not partial(b):
            return "birthDate same year, day differs"
        return "birthDate year agrees (partial on one side)"
    return f"birthDate years differ by >= {year_gap(a, b)}"


def compatible_dob(a: Record, b: Record) -> bool:
    """No birth-date evidence against the pair (allowing for partial dates)."""
    if not a.birth_dates or not b.birth_dates or a.birth_dates & b.birth_dates:
        return True
    return bool(a.dob_years & b.dob_years) and (partial(a) or partial(b))


def nat_relation(a: Record, b: Record) -> str:
    if not a.nationalities or not b.nationalities:
        return ""
    return "nationality overlaps" if a.nationalities & b.nationalities else "nationality differs"


def name_note(a: Record, b: Record) -> tuple[str, float, int]:
    share, hits = name_similarity(a, b)
    if keys_of(a) & keys_of(b):
        return ("name equal after folding", share, hits)
    return (f"name tokens matched {hits} ({share:.0%} of shorter)", share, hits)


def spelling_variant(a: Record, b: Record) -> bool:
    """Some Latin-script name of each side differs only in spelling (every token pairs up
    with a near-equal one, at least one pair not identical): a transliteration variant."""
    for na in (n for n in a.names if is_latin(n)):
        ta = name_tokens(na, a.schema)
        for nb in (n for n in b.names if is_latin(n)):
            tb = name_tokens(nb, b.schema)
            if len(ta) != len(tb) or len(ta) < 2 or sorted(ta) == sorted(tb):
                continue
            if token_match(ta, tb) == len(ta):
                return True
    return False


def hard_tags(a: Record, b: Record) -> set[str]:
    """Which hard-case kinds a positive pair is (names and dates as the lists give them)."""
    tags: set[str] = set()
    if not keys_of(a, min_tokens=1) & keys_of(b, min_tokens=1):
        tags.add("hard:name-variant")
        if spelling_variant(a, b):
            tags.add("hard:translit")
    else:
        seqs_a = {name_tokens(n, a.schema) for n in a.names}
        seqs_b = {name_tokens(n, b.schema) for n in b.names}
        if not seqs_a & seqs_b:
            tags.add("hard:word-order")
    if a.birth_dates and b.birth_dates and not a.full_dobs & b.full_dobs:
        if a.dob_years & b.dob_years and partial(a) != partial(b):
            tags.add("hard:partial-dob")
        elif not a.dob_years & b.dob_years:
            tags.add("hard:dob-conflict")
    if (a.birth_dates or b.birth_dates) and not (a.birth_dates and b.birth_dates):
        tags.add("hard:dob-one-side")
    return tags


_PLACE_STOP: set[str] = set()


def place_tokens(rec: Record) -> set[str]:
    if not _PLACE_STOP:
        _PLACE_STOP.update(PLACE_STOP)
        for territory in get_territories():
            for text in (territory.name, territory.full_name or ""):
                _PLACE_STOP.update(name_tokens(text, "Place"))
    out: set[str] = set()
    for place in rec.props.get("birthPlace", []):
        out.update(t for t in name_tokens(place, "Place") if len(t) > 3)
    return out - _PLACE_STOP


def shingles(rec: Record, size: int = 4) -> set[tuple[str, ...]]:
    """Word n-grams of positions and notes (to see whether two records describe one role)."""
    out: set[tuple[str, ...]] = set()
    for prop in ("position", "notes", "sanction.reason"):
        for text in rec.props.get(prop, []):
            words = re.findall(r"[a-z0-9]+", text.lower())
            out.update(tuple(words[i : i + size]) for i in range(len(words) - size + 1))
    return out


# --- generators -----------------------------------------------------------------------------


def by_value(
    records: Iterable[Record], get: Callable[[Record], Iterable[str]]
) -> dict[str, list[Record]]:
    index: dict[str, list[Record]] = defaultdict(list)
    for rec in records:
        for value in get(rec):
            index[value].append(rec)
    return index


def gen_unsc(records: list[Record], out: Proposals) -> None:
    for block in by_value(records, lambda r: r.unsc).values():
        for a, b in combinations(block, 2):
            note, share, _ = name_note(a, b)
            if a.schema != b.schema or share < 0.5:
                out.reject(a, b, "unsc-ref", f"{note}; schema {a.schema}/{b.schema}")
                continue
            notes = ("Sanction.unscId equal", note, dob_relation(a, b))
            out.add(a, b, "same", "unsc-ref", *notes)


def gen_identifiers(records: list[Record], out: Proposals) -> None:
    """Same passport / national-ID number and compatible names.

    A number is not used at all when it is held by many entries of one source, or when two
    of its holders have unrelated names (a number that collides across people proves nothing
    for the other holders either).
    """
    people = [r for r in records if r.schema == "Person"]
    for number, block in by_value(people, lambda r: r.identifiers).items():
        holders = Counter(r.source for r in block)
        if max(holders.values()) > MAX_ID_HOLDERS:
            for a, b in combinations(block, 2):
                out.reject(a, b, "id-shared", f"identifier held by {len(block)} entries")
            continue
        collided = False
        for a, b in combinations(block, 2):
            if a.key == b.key:
                continue
            note, share, hits = name_note(a, b)
            if share < 0.6 or hits < 2:
                why = f"{note}; {dob_relation(a, b)}; identifier collides across names"
                out.reject(a, b, "id-collision", why)
                collided = True
        if collided:
            continue
        for a, b in combinations(block, 2):
            if a.key == b.key:
                continue
            note, share, hits = name_note(a, b)
            kind = "passport" if number in a.passports and number in b.passports else "id-number"
            shared = len(a.identifiers & b.identifiers)
            why = f"{note}; {dob_relation(a, b)}; {shared} identifier(s) shared"
            gap = year_gap(a, b)
            if gap and not (keys_of(a) & keys_of(b) or shared >= 2):
                out.reject(a, b, kind, why)
                continue
            field_note = "passport number equal" if kind == "passport" else "ID number equal"
            if shared >= 2:
                field_note = f"{shared} identifier numbers equal"
            out.add(a, b, "same", kind, field_note, note, dob_relation(a, b))


def gen_imo(records: list[Record], out: Proposals) -> None:
    vessels = [r for r in records if r.schema == "Vessel"]
    for block in by_value(vessels, lambda r: r.imo).values():
        for a, b in combinations(block, 2):
            note, _, _ = name_note(a, b)
            out.add(a, b, "same", "imo", "imoNumber equal", note)


def gen_org_registration(records: list[Record], out: Proposals) -> None:
    """Same registration / tax number across two lists. Names must agree, unless the number
    is held by exactly one entry in each of the two lists (then a translated or renamed
    company name is accepted and the pair is a hard case)."""
    orgs = [r for r in records if r.schema == "Organization"]
    for block in by_value(orgs, lambda r: r.registrations).values():
        if len(block) > 4:
            continue
        unique = len(block) == 2 and block[0].source != block[1].source
        for a, b in combinations(block, 2):
            if a.source == b.source:
                continue
            note, share, hits = name_note(a, b)
            if (share < 0.6 or hits < 2) and not unique:
                out.reject(a, b, "registration", note)
                continue
            out.add(a, b, "same", "registration", "registration number equal", note)


def gen_name_dob(records: list[Record], out: Proposals) -> None:
    index: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for rec in records:
        if rec.schema == "Person":
            for key in keys_of(rec):
                for dob in rec.full_dobs:
                    index[(key, dob)].append(rec)
    for block in index.values():
        for a, b in combinations(block, 2):
            if a.key == b.key:
                continue
            evidence = "name+dob"
            if a.source == b.source:
                evidence = "ca-schedules" if a.source == "ca-sema" else "list-duplicate"
            notes = ("name equal after folding", "birthDate equal (day)", nat_relation(a, b))
            out.add(a, b, "same", evidence, *notes)


def gen_name_variants(records: list[Record], out: Proposals) -> None:
    """Same full birth date and near-equal names (transliteration, joined or split parts)."""
    index = by_value((r for r in records if r.schema == "Person"), lambda r: r.full_dobs)
    for dob, block in index.items():
        if len(block) > 60:
            continue
        for a, b in combinations(block, 2):
            if a.key == b.key or keys_of(a) & keys_of(b):
                continue
            share, hits = name_similarity(a, b)
            if share < 0.99 or hits < (3 if dob.endswith("-01-01") else 2):
                continue
            if nat_relation(a, b) == "nationality differs":
                continue
            note = f"name tokens matched {hits} (all of shorter, near-equal spellings)"
            evidence = "dob+name-variant"
            out.add(a, b, "same", evidence, "birthDate equal (day)", note, nat_relation(a, b))


def gen_name_year(records: list[Record], out: Proposals) -> None:
    """Same folded name (3+ tokens); one side knows only the birth year, and it agrees."""
    index: dict[str, list[Record]] = defaultdict(list)
    for rec in records:
        if rec.schema == "Person":
            for key in keys_of(rec):
                if len(key.split()) >= 3:
                    index[key].append(rec)
    for block in index.values():
        if len(block) > 12:
            continue
        for a, b in combinations(block, 2):
            if a.key == b.key or not a.birth_dates or not b.birth_dates:
                continue
            if a.full_dobs & b.full_dobs or not (partial(a) or partial(b)):
                continue
            if not compatible_dob(a, b) or len(a.dob_years | b.dob_years) > 1:
                continue
            if nat_relation(a, b) == "nationality differs":
                continue
            notes = ("name equal after folding (3+ tokens)", dob_relation(a, b), nat_relation(a, b))
            out.add(a, b, "same", "name+dob-year", *notes)


def schedule(rec: Record) -> str:
    """A Canadian entry's schedule part: its key without the item number."""
    return rec.key.rsplit(":", 1)[0]


def gen_canada(records: list[Record], out: Proposals) -> None:
    """Canada lists a person once per schedule: the same name in two schedule parts."""
    canada = [r for r in records if r.source == "ca-sema"]
    for block in by_value(canada, primary_keys).values():
        for a, b in combinations(block, 2):
            if a.key == b.key or a.schema != b.schema or schedule(a) == schedule(b):
                continue
            if not compatible_dob(a, b):
                continue
            note = "name equal after folding; schedule differs"
            out.add(a, b, "same", "ca-schedules", note, dob_relation(a, b))


LEGAL_FORMS = {"ao", "ooo", "pao", "oao", "zao", "llc", "jsc", "pjsc", "ojsc", "ltd", "co", "rao"}


def org_keys(rec: Record) -> set[str]:
    """Fingerprints of an organisation's names, legal forms normalised, two real tokens+."""
    out: set[str] = set()
    for name in rec.names:
        key = fingerprints.generate(name)
        if key and len([t for t in key.split() if t not in LEGAL_FORMS]) >= 2:
            out.add(key)
    return out


def gen_canada_orgs(records: list[Record], out: Proposals) -> None:
    """Canadian organisation entries that share a full name or alias (after folding)."""
    orgs = [r for r in records if r.source == "ca-sema" and r.schema == "Organization"]
    for block in by_value(orgs, org_keys).values():
        if len(block) > 4:
            continue
        for a, b in combinations(block, 2):
            if a.key == b.key:
                continue
            evidence = "list-duplicate" if schedule(a) == schedule(b) else "ca-schedules"
            out.add(a, b, "same", evidence, "name or alias equal after folding (Canada)")


def gen_negatives(records: list[Record], out: Proposals, linked: Callable[..., bool]) -> None:
    """Same folded name, birth years apart, and nothing else tying the two records."""
    people = [r for r in records if r.schema == "Person"]
    for block in by_value(people, keys_of).values():
        if len(block) > 40:
            continue
        for a, b in combinations(block, 2):
            if a.key == b.key or (a.key, b.key) in out.pairs or (b.key, a.key) in out.pairs:
                continue
            gap = year_gap(a, b)
            if gap is None or gap < (1 if a.source == b.source else YEAR_GAP):
                continue
            why = _tied(a, b, linked)
            if why:
                out.reject(a, b, "name-dob-conflict", why)
                continue
            both = primary_keys(a) & keys_of(b) or primary_keys(b) & keys_of(a)
            evidence = "name-dob-conflict" if both else "alias-dob-conflict"
            notes = [
                "name equal after folding" if both else "alias equal after folding",
                dob_relation(a, b),
                nat_relation(a, b),
            ]
            if place_tokens(a) and place_tokens(b):
                notes.append("birthPlace differs")
            if a.source == b.source:
                notes.append("two entries of one list")
            out.add(a, b, "different", evidence, *notes)


PATRONYMIC_ENDINGS = ("vich", "vych", "vna", "ichna", "ych")


def patronymic_names(rec: Record) -> Iterable[tuple[str, str]]:
    """(first + last name key, patronymic) for three-part East Slavic primary names."""
    for name in rec.props.get("name", []):
        toks = name_tokens(name)
        pats = [t for t in toks if t.endswith(PATRONYMIC_ENDINGS)]
        if len(toks) == 3 and len(pats) == 1:
            yield " ".join(sorted(t for t in toks if t != pats[0])), pats[0]


def gen_patronymics(records: list[Record], out: Proposals, linked: Callable[..., bool]) -> None:
    """Same first and last name, a different patronymic, different birth years."""
    index: dict[str, list[tuple[Record, str]]] = defaultdict(list)
    for rec in records:
        if rec.schema == "Person":
            for key, pat in patronymic_names(rec):
                index[key].append((rec, pat))
    for block in index.values():
        for (a, pa), (b, pb) in combinations(block, 2):
            if a.key == b.key or (a.key, b.key) in out.pairs or (b.key, a.key) in out.pairs:
                continue
            if pa[:4] == pb[:4] or jaro_winkler(pa, pb) >= 0.85 or not year_gap(a, b):
                continue
            if keys_of(a) & keys_of(b):
                continue
            why = _tied(a, b, linked)
            if why:
                out.reject(a, b, "patronymic-conflict", why)
                continue
            notes = [
                "first and last name equal, patronymic differs",
                dob_relation(a, b),
                nat_relation(a, b),
            ]
            if a.source == b.source:
                notes.append("two entries of one list")
            out.add(a, b, "different", "patronymic-conflict", *notes)


def _tied(a: Record, b: Record, linked: Callable[..., bool]) -> str:
    """Why two same-name records might still be one person (empty when nothing ties them)."""
    if a.identifiers & b.identifiers or a.unsc & b.unsc:
        return "shared identifier"
    if linked(a.key, b.key):
        return "joined by a chain of positive pairs"
    days_a = {d[5:] for d in a.full_dobs}
    days_b = {d[5:] for d in b.full_dobs}
    if days_a & days_b:
        return "same day and month of birth (year typo?)"
    if place_tokens(a) & place_tokens(b):
        return "birthPlace overlaps"
    if shingles(a) & shingles(b):
        return "position / notes share wording"
    return ""


# --- selection, review, output -------------------------------------------------------------


class Links:
    """Union-find over positive pairs."""

    def __init__(self, pairs: Iterable[Pair]) -> None:
        self.parent: dict[str, str] = {}
        for p in pairs:
            if p.label == "same":
                self.parent[self.find(p.a.key)] = self.find(p.b.key)

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def __call__(self, a: str, b: str) -> bool:
        return self.find(a) == self.find(b)


def read_review(path: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """Reviewer decisions: sorted (key_a, key_b) -> (decision, reason)."""
    if not path.exists():
        return {}
    out: dict[tuple[str, str], tuple[str, str]] = {}
    with path.open(newline="") as fh:
        for r in csv.DictReader(fh):
            ka, kb = sorted((r["key_a"], r["key_b"]))
            out[(ka, kb)] = (r["decision"], r["reason"])
    return out


def stable_rank(pair: Pair) -> tuple[int, str]:
    digest = hashlib.sha1("|".join(pair.keys).encode()).hexdigest()
    return (0 if pair.tags else 1, digest)


def select(pairs: list[Pair], caps: dict[str, int], per_clusters: int | None) -> list[Pair]:
    """Cap the plentiful kinds per (source pair, primary evidence, schema), hard cases first;
    keep at most `per_clusters` negatives between the same two clusters of positives."""
    groups: dict[tuple[str, str, str], list[Pair]] = defaultdict(list)
    for pair in pairs:
        groups[(pair.source_pair, pair.primary, pair.a.schema)].append(pair)
    kept: list[Pair] = []
    for (_, evidence, _), group in groups.items():
        group.sort(key=stable_rank)
        kept.extend(group[: caps.get(evidence, len(group))])
    if per_clusters is None:
        return kept
    links = Links(pairs)
    seen: Counter[tuple[str, str]] = Counter()
    out: list[Pair] = []
    for pair in sorted(kept, key=stable_rank):
        if pair.label == "different":
            ka, kb = sorted((links.find(pair.a.key), links.find(pair.b.key)))
            seen[(ka, kb)] += 1
            if seen[(ka, kb)] > per_clusters:
                continue
        out.append(pair)
    return out


def row(pair: Pair) -> dict[str, str]:
    return {
        "key_a": pair.a.key,
        "key_b": pair.b.key,
        "schema": pair.a.schema,
        "label": pair.label,
        "evidence": ";".join(e for e in PRIORITY if e in pair.evidence),
        "note": "; ".join(sorted(pair.notes) + sorted(pair.tags)),
    }


def write(path: Path, pairs: list[Pair]) -> None:
    rows = sorted((row(p) for p in pairs), key=lambda r: (r["label"], r["key_a"], r["key_b"]))
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def propose(records: list[Record]) -> Proposals:
    """Every candidate pair, before caps and review."""
    out = Proposals()
    for gen in (
        gen_unsc,
        gen_identifiers,
        gen_imo,
        gen_org_registration,
        gen_name_dob,
        gen_name_variants,
        gen_name_year,
        gen_canada,
        gen_canada_orgs,
    ):
        gen(records, out)
    for pair in out.pairs.values():
        if pair.label == "same":
            pair.tags = hard_tags(pair.a, pair.b)
    links = Links(out.pairs.values())
    gen_negatives(records, out, links)
    gen_patronymics(records, out, links)
    return out


def apply_review(
    pairs: list[Pair], review: dict[tuple[str, str], tuple[str, str]]
) -> tuple[list[Pair], list[Pair]]:
    kept: list[Pair] = []
    dropped: list[Pair] = []
    for pair in pairs:
        ka, kb = sorted(pair.keys)
        decision, _ = review.get((ka, kb), ("keep", ""))
        if decision == "drop":
            dropped.append(pair)
            continue
        if decision in ("same", "different") and decision != pair.label:
            proposed = pair.primary
            pair.label = decision
            pair.evidence = {"reviewer"}
            pair.notes = {f"label set by reviewer; proposed by {proposed} with the other label"}
            pair.tags = set()
        kept.append(pair)
    return kept, dropped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path("var/concord.sqlite"))
    parser.add_argument("--out", type=Path, default=HERE / "pairs.csv")
    parser.add_argument("--review", type=Path, default=HERE / "review.csv")
    parser.add_argument("--no-caps", action="store_true", help="keep every candidate")
    parser.add_argument("--rejected", type=Path, help="write rejected candidates here")
    args = parser.parse_args(argv)

    records = list(load(args.store).values())
    proposals = propose(records)
    conflicts = [p for p in proposals.pairs.values() if p.label == "conflict"]
    pairs = [p for p in proposals.pairs.values() if p.label != "conflict"]
    reviewed, dropped = apply_review(pairs, read_review(args.review))
    final = select(reviewed, {} if args.no_caps else CAPS, None if args.no_caps else PER_CLUSTERS)
    links = Links(final)
    for bad in (p for p in final if p.label == "different" and links(p.a.key, p.b.key)):
        print(f"contradiction: {bad.a.key} {bad.b.key}", file=sys.stderr)
    write(args.out, final)
    if args.rejected:
        with args.rejected.open("w", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(("key_a", "key_b", "evidence", "why_not_used"))
            writer.writerows((*k, v) for k, v in sorted(proposals.rejected.items()))
    counts = Counter((p.label, p.primary) for p in final)
    for (label, evidence), n in sorted(counts.items()):
        print(f"{label:10} {evidence:20} {n}")
    print(
        f"{len(final)} pairs written to {args.out}; {len(dropped)} dropped by review; "
        f"{len(conflicts)} candidates with conflicting labels left out"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
