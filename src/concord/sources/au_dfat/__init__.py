"""Australia DFAT: the Consolidated List (``regulation8_consolidated.xls`` / ``.xlsx``).

One row per name: an entry's primary name has the bare Reference (``123``), its other names
follow with a letter suffix (``123a``, ``123b``, ``34c1``). Rows are folded into one record per
Reference number, keyed ``au-dfat:<Reference without its alias letter>``. ``Committees``
names the regime (one cell may name two: ``1970 (Libya) 1973 (Libya)``).

Example:
    >>> base_reference("34c1"), base_reference("2.0"), base_reference(" 6830 ")
    ('34', '2', '6830')
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

from followthemoney import StatementEntity

from concord.errors import ParseError
from concord.model import entities
from concord.model.regimes import registry
from concord.sources.au_dfat.sheets import Row, xls_rows, xlsx_rows
from concord.sources.au_dfat.text import birth_dates, countries, items, listing_date
from concord.sources.base import ParsedList, Record, RegimeLookup, fingerprint, make_sanction

SOURCE = "au-dfat"
ORIGIN = "consolidated"
XLS = "regulation8_consolidated.xls"
XLSX = "regulation8_consolidated.xlsx"

# Header (folded) -> field name. The same twelve columns head both real files.
COLUMNS = {
    "reference": "reference",
    "name of individual or entity": "name",
    "type": "type",
    "name type": "name_type",
    "date of birth": "dob",
    "place of birth": "pob",
    "citizenship": "citizenship",
    "address": "address",
    "additional information": "info",
    "listing information": "listing",
    "committees": "committees",
    "control date": "control_date",
}
REQUIRED = ("reference", "name", "type", "name_type", "committees")
NAME_TYPES = {
    "primary name": "name",
    "aka": "alias",
    "original script": "alias",
    "formerly known as": "previousName",
    "previously listed as": "previousName",
}
SCHEMAS = {"individual": "Person", "entity": "Organization"}

_REFERENCE = re.compile(r"(\d+)(?:\.0)?\s*[a-z]{0,3}\d{0,2}", re.IGNORECASE)
# "1970 (Libya) 1973 (Libya)": a committee ends with ")" and the next starts with its number.
_NEXT_COMMITTEE = re.compile(r"(?<=\))\s+(?=\d)")


def fold(text: str) -> str:
    """A header or a category cell folded for comparison ("Primary Name " -> "primary name")."""
    return " ".join(text.split()).casefold()


def base_reference(reference: str) -> str | None:
    """The Reference number without its alias letter, or None when there is none."""
    match = _REFERENCE.fullmatch(reference.strip())
    return match.group(1) if match is not None else None


@dataclass
class _Entry:
    """The rows of one Reference number, as fields by name."""

    reference: str
    rows: list[dict[str, str]]
    labels: list[str]

    def values(self, field: str) -> list[str]:
        """The distinct non-empty values of a field over all rows, in file order."""
        return list(dict.fromkeys(r[field].strip() for r in self.rows if r.get(field, "").strip()))


def _columns(filename: str, header: Row) -> tuple[dict[int, str], list[str]]:
    fields = {i: COLUMNS[fold(h)] for i, h in enumerate(header) if fold(h) in COLUMNS}
    missing = [c for c in REQUIRED if c not in fields.values()]
    if missing:
        raise ParseError(filename, f"not the Consolidated List layout: no {', '.join(missing)}")
    extra = [h for h in header if h.strip() and fold(h) not in COLUMNS]
    return fields, [f"unexpected column {h!r}" for h in extra]


def _committee_labels(text: str) -> list[str]:
    if registry().lookup(SOURCE, text) is None and _NEXT_COMMITTEE.search(text):
        return [p for p in _NEXT_COMMITTEE.split(text) if p.strip()]
    return [text] if text.strip() else []


def _group(filename: str, rows: list[Row], fields: dict[int, str]) -> list[_Entry]:
    groups: dict[str, list[dict[str, str]]] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        named = {name: row[i] if i < len(row) else "" for i, name in fields.items()}
        base = base_reference(named["reference"])
        if base is None:
            raise ParseError(filename, f"row {number}: Reference {named['reference']!r}")
        groups.setdefault(base, []).append(named)
    if not groups:
        raise ParseError(filename, "no entries")
    return [_Entry(ref, group, []) for ref, group in groups.items()]


def _checks(entries: list[_Entry]) -> list[str]:
    """Warnings about category values this parser does not know."""
    seen: Counter[str] = Counter()
    for entry in entries:
        for row in entry.rows:
            if fold(row["name_type"]) not in NAME_TYPES:
                seen[f"unknown Name Type {row['name_type']!r}"] += 1
            if fold(row["type"]) not in SCHEMAS:
                seen[f"unknown Type {row['type']!r}"] += 1
        primaries = sum(fold(r["name_type"]) == "primary name" for r in entry.rows)
        if primaries != 1:
            seen[f"Reference {entry.reference} has {primaries} primary names"] += 1
        if not entry.labels:
            seen[f"Reference {entry.reference} has no Committees"] += 1
    return [f"{text} ({n} rows)" if n > 1 else text for text, n in seen.items()]


def _add_names(main: StatementEntity, entry: _Entry) -> None:
    for row in entry.rows:
        prop = NAME_TYPES.get(fold(row["name_type"]), "alias")
        main.add(prop, " ".join(row["name"].split()) or None, origin=ORIGIN)


def _add_person(main: StatementEntity, entry: _Entry) -> None:
    for text in entry.values("dob"):
        dates = birth_dates(text)
        main.add("birthDate", dates, origin=ORIGIN)
        if not dates and items(text):
            main.add("notes", f"Date of birth: {text}", origin=ORIGIN)
    for text in entry.values("pob"):
        main.add("birthPlace", items(text), origin=ORIGIN)
    for text in entry.values("citizenship"):
        codes, unknown = countries(text)
        main.add("nationality", codes, origin=ORIGIN)
        main.add("notes", [f"Citizenship: {u}" for u in unknown], origin=ORIGIN)


def _add_other(main: StatementEntity, entry: _Entry) -> None:
    """An entity's rare person-style cells: Citizenship as country, the rest as notes."""
    for text in entry.values("citizenship"):
        codes, unknown = countries(text)
        main.add("country", codes, origin=ORIGIN)
        main.add("notes", [f"Citizenship: {u}" for u in unknown], origin=ORIGIN)
    for field, label in (("dob", "Date of birth"), ("pob", "Place of birth")):
        main.add("notes", [f"{label}: {t}" for t in entry.values(field) if items(t)], origin=ORIGIN)


def _sanctions(main: StatementEntity, entry: _Entry, lookup: RegimeLookup) -> list[StatementEntity]:
    """One Sanction per regime: "1970 (Libya)" and "1973 (Libya)" are one UN regime."""
    listing = entry.values("listing")
    control = max(entry.values("control_date"), default=None)
    by_regime: dict[str, StatementEntity] = {}
    for label in entry.labels:
        regime = lookup(label)
        key = regime.key if regime is not None else label
        if key in by_regime:
            by_regime[key].add("program", label, origin=ORIGIN)
            continue
        sanction = by_regime[key] = make_sanction(main, label, regime, origin=ORIGIN)
        sanction.add("authorityId", entry.reference, origin=ORIGIN)
        sanction.add("summary", listing, origin=ORIGIN)
        sanction.add("listingDate", [d for d in map(listing_date, listing) if d], origin=ORIGIN)
        # Control Date is the date of the entry's last change, not of its listing.
        sanction.add("modifiedAt", control, origin=ORIGIN)
    return list(by_regime.values())


def _builder(entry: _Entry, lookup: RegimeLookup) -> list[StatementEntity]:
    primary = next((r for r in entry.rows if fold(r["name_type"]) == "primary name"), None)
    kind = fold((primary or entry.rows[0])["type"])
    schema = SCHEMAS.get(kind, "LegalEntity")
    main = entities.make(SOURCE, schema, entities.entity_id(SOURCE, entry.reference))
    _add_names(main, entry)
    if schema == "Person":
        _add_person(main, entry)
    else:
        _add_other(main, entry)
    for text in entry.values("address"):
        main.add("address", items(text), origin=ORIGIN)
    main.add("notes", entry.values("info"), origin=ORIGIN)
    return [main, *_sanctions(main, entry, lookup)]


def _parse_rows(filename: str, rows: list[Row]) -> ParsedList:
    if not rows:
        raise ParseError(filename, "no rows")
    fields, warnings = _columns(filename, rows[0])
    entries = _group(filename, rows, fields)
    lookup = RegimeLookup(SOURCE)
    records = []
    for entry in entries:
        labels = [label for c in entry.values("committees") for label in _committee_labels(c)]
        entry.labels = list(dict.fromkeys(" ".join(label.split()) for label in labels))
        for label in entry.labels:
            lookup(label)
        raw = [tuple(sorted(row.items())) for row in entry.rows]
        build = partial(_builder, entry, lookup)
        reference = {"reference": entry.rows[0]["reference"].strip()}
        records.append(Record(entry.reference, fingerprint(SOURCE, raw), build, reference))
    warnings = lookup.warnings() + warnings + _checks(entries)
    return ParsedList(SOURCE, records, components=frozenset({ORIGIN}), warnings=warnings)


def _data(files: Mapping[str, bytes], filename: str) -> bytes:
    data = files.get(filename)
    if data is None:
        raise ParseError(filename, "file missing from snapshot")
    return data


def parse_xls(files: Mapping[str, bytes]) -> ParsedList:
    """Parse a snapshot holding ``regulation8_consolidated.xls``."""
    return _parse_rows(XLS, xls_rows(XLS, _data(files, XLS)))


def parse_xlsx(files: Mapping[str, bytes]) -> ParsedList:
    """Parse a snapshot holding ``regulation8_consolidated.xlsx``."""
    rows = xlsx_rows(XLSX, _data(files, XLSX), check=partial(_columns, XLSX))
    return _parse_rows(XLSX, rows)
