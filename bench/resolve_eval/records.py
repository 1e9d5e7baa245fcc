"""Read current list entries from a Concord store into flat records for pair building.

Shared by `build.py` (propose pairs), `show.py` (review pairs side by side) and `check.py`.
The store is opened read-only; nothing here writes anywhere.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rigour.names import remove_org_types, remove_person_prefixes, tokenize_name
from rigour.text import ascii_text, jaro_winkler

SOURCES = ("us-ofac", "gb-ofsi", "ca-sema", "au-dfat", "un-sc")
NAME_PROPS = ("name", "alias", "previousName")
NATIONALITY_PROPS = ("nationality", "citizenship")
# Identification types that are not personal to one holder (shared by many entries).
SHARED_ID_TYPES = ("gazette",)
ID_PATTERN = re.compile(r"\b([A-Z]{0,3}[ -]?\d[\d -]{4,}\d[A-Z]?)\b")
ID_CONTEXT = re.compile(
    r"(?i)(passport|identification|national id|id card|id no|identity card)[^.;]{0,160}"
)


@dataclass
class Record:
    """One current list entry with the fields the pair builder compares."""

    key: str
    source: str
    schema: str
    entity_id: str
    caption: str
    program: str = ""
    names: set[str] = field(default_factory=set)
    weak_names: set[str] = field(default_factory=set)
    birth_dates: set[str] = field(default_factory=set)
    nationalities: set[str] = field(default_factory=set)
    passports: set[str] = field(default_factory=set)
    id_numbers: set[str] = field(default_factory=set)
    imo: set[str] = field(default_factory=set)
    unsc: set[str] = field(default_factory=set)
    registrations: set[str] = field(default_factory=set)
    props: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @property
    def full_dobs(self) -> set[str]:
        """Birth dates known to the day."""
        return {d for d in self.birth_dates if len(d) == 10}

    @property
    def dob_years(self) -> set[int]:
        """Years of every birth date, full or partial."""
        return {int(d[:4]) for d in self.birth_dates if d[:4].isdigit()}

    @property
    def identifiers(self) -> set[str]:
        """Passport and ID numbers together."""
        return self.passports | self.id_numbers


def connect(path: str | Path) -> sqlite3.Connection:
    """Open the store read-only."""
    uri = f"file:{Path(path).resolve()}?mode=ro"
    return sqlite3.connect(uri, uri=True)


def norm_id(value: str) -> str | None:
    """An identifier as upper-case letters and digits; None when too weak to compare."""
    text = re.sub(r"[^A-Z0-9]", "", value.upper())
    digits = sum(c.isdigit() for c in text)
    if len(text) < 6 or digits < 5 or len(set(text)) < 3:
        return None
    return text


def ids_in_notes(text: str) -> set[str]:
    """Numbers that follow a passport / identification mention in free text."""
    out: set[str] = set()
    for context in ID_CONTEXT.finditer(text):
        for match in ID_PATTERN.finditer(context.group(0)):
            value = norm_id(match.group(1))
            if value is not None:
                out.add(value)
    return out


@lru_cache(maxsize=200_000)
def name_tokens(name: str, schema: str = "Person") -> tuple[str, ...]:
    """Fold a name: honorifics and org types dropped, transliterated, case-folded, tokens."""
    text = remove_person_prefixes(name) if schema == "Person" else remove_org_types(name)
    folded = ascii_text(text).lower()
    return tuple(t for t in tokenize_name(folded) if t.isalnum())


def is_latin(name: str) -> bool:
    """True when the name is written (mostly) in Latin letters."""
    letters = [c for c in name if c.isalpha()]
    return (
        bool(letters) and sum(c.isascii() or "À" <= c <= "ɏ" for c in letters) >= len(letters) * 0.8
    )


def token_match(a: tuple[str, ...], b: tuple[str, ...], cutoff: float = 0.88) -> int:
    """How many tokens of `a` pair with a distinct token of `b` (equal or near-equal)."""
    left = list(b)
    found = 0
    for tok in a:
        best = None
        for i, other in enumerate(left):
            if tok == other:
                best = i
                break
            if len(tok) > 2 and len(other) > 2 and jaro_winkler(tok, other) >= cutoff:
                best = i if best is None else best
        if best is not None:
            left.pop(best)
            found += 1
    return found


def name_similarity(a: Record, b: Record) -> tuple[float, int]:
    """Best (share of the shorter name's tokens matched, tokens matched) over name pairs.

    Pairs matching two or more tokens rank above single-token ones. Compact forms are
    compared too, so `Abdul Rahman` meets `Abdulrahman`.
    """
    best: tuple[bool, float, int] = (False, 0.0, 0)
    for na in a.names:
        ta = name_tokens(na, a.schema)
        if not ta:
            continue
        for nb in b.names:
            tb = name_tokens(nb, b.schema)
            if not tb:
                continue
            if "".join(sorted(ta)) == "".join(sorted(tb)) or "".join(ta) == "".join(tb):
                hits = max(len(ta), len(tb))
                share = 1.0
            else:
                hits = token_match(ta, tb) if len(ta) <= len(tb) else token_match(tb, ta)
                share = hits / min(len(ta), len(tb))
            best = max(best, (hits >= 2, share, hits))
    return best[1], best[2]


def load(
    path: str | Path, sources: tuple[str, ...] = SOURCES, delisted: bool = False
) -> dict[str, Record]:
    """Every present entry of `sources` with its current statements; with `delisted`, also
    every delisted entry with the statements of the last snapshot that held it (the
    resolver resolves both)."""
    conn = connect(path)
    marks = ",".join("?" for _ in sources)
    records: dict[str, Record] = {}
    query = (
        "SELECT entry_key, source, schema, entity_id, caption FROM entries "
        f"WHERE source IN ({marks})" + ("" if delisted else " AND present = 1")
    )
    for key, source, schema, entity_id, caption in conn.execute(query, sources):
        records[key] = Record(key, source, schema, entity_id, caption)
    query = (
        "SELECT s.entry_key, s.entity_id, s.schema, s.prop, s.value FROM statements s "
        "JOIN entries e ON e.entry_key = s.entry_key "
        f"WHERE e.source IN ({marks}) AND ((e.present = 1 AND s.last_snapshot IS NULL) "
        "OR (e.present = 0 AND s.last_seen = e.last_seen)) "
        "ORDER BY s.id"
    )
    id_types: dict[str, str] = {}
    id_values: list[tuple[Record, str, str, str]] = []
    for key, entity_id, schema, prop, value in conn.execute(query, sources):
        rec = records.get(key)
        if rec is None:  # a delisted entry, when not asked for
            continue
        if entity_id == rec.entity_id:
            _main_prop(rec, prop, value)
        elif schema == "Sanction":
            rec.props[f"sanction.{prop}"].append(value)
            if prop == "unscId":
                rec.unsc.add(value.strip().upper())
            elif prop == "programId" and not rec.program:
                rec.program = value
        elif schema in ("Passport", "Identification"):
            if prop == "type":
                id_types[entity_id] = value
            elif prop == "number":
                id_values.append((rec, entity_id, schema, value))
    conn.close()
    for rec, entity_id, schema, value in id_values:
        kind = id_types.get(entity_id, "").lower()
        if any(t in kind for t in SHARED_ID_TYPES):
            continue
        number = norm_id(value)
        if number is None:
            continue
        if schema == "Passport" or "passport" in kind:
            rec.passports.add(number)
        elif rec.schema == "Person":
            rec.id_numbers.add(number)
        else:
            rec.registrations.add(number)
    return records


def _main_prop(rec: Record, prop: str, value: str) -> None:
    rec.props[prop].append(value)
    if prop in NAME_PROPS:
        rec.names.add(value)
    elif prop == "weakAlias":
        rec.weak_names.add(value)
    elif prop == "birthDate":
        rec.birth_dates.add(value[:10])
    elif prop in NATIONALITY_PROPS:
        rec.nationalities.add(value.lower())
    elif prop == "passportNumber":
        number = norm_id(value)
        if number:
            rec.passports.add(number)
    elif prop == "idNumber":
        number = norm_id(value)
        if number:
            (rec.id_numbers if rec.schema == "Person" else rec.registrations).add(number)
    elif prop == "imoNumber":
        digits = re.sub(r"\D", "", value)
        if len(digits) == 7:
            rec.imo.add(digits)
    elif prop in ("registrationNumber", "taxNumber", "ogrnCode", "innCode", "leiCode"):
        number = norm_id(value)
        if number:
            rec.registrations.add(number)
    elif prop == "notes" and rec.source == "au-dfat":
        found = ids_in_notes(value)
        if rec.schema == "Person":
            rec.id_numbers |= found
        imo = re.findall(r"(?i)\bIMO[^0-9]{0,12}(\d{7})\b", value)
        rec.imo.update(imo)
