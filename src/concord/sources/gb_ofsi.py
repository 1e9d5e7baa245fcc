"""Parser for the UK OFSI Consolidated List of Financial Sanctions Targets (``ConList``).

The list (retired in January 2026; kept for history) has one row per name: rows sharing a
``Group ID`` are one entry, and an entry listed under several regimes repeats its rows per
regime. ``ConList.xlsx`` and ``ConList.csv`` have the same layout: a ``Last Updated``
line giving the publication date (``DD/MM/YYYY``), then the header row.

Mapping (FollowTheMoney):

- ``Group Type`` Individual / Entity / Ship -> Person / Organization / Vessel; the entity id
  comes from the entry key ``gb-ofsi:<Group ID>``.
- ``Alias Type`` Primary name -> ``name`` (with firstName .. lastName from Name 1..6 for a
  person; Name 6 is the surname); Primary name variation and AKA -> ``alias``, or
  ``weakAlias`` when ``Alias Quality`` is low; FKA -> ``previousName``. An entry without a
  primary name row takes its first name as ``name``. ``Name Non-Latin Script`` -> ``alias``
  in its language.
- One Sanction per (entry, regime): ``Listed On`` -> listingDate, ``UK Sanctions List Date
  Designated`` -> startDate, ``Last Updated`` -> modifiedAt, the statement of reasons in
  ``Other Information`` -> reason, its ``UN Ref`` -> unscId.
- Identifiers for joining with the FCDO UK Sanctions List: every Sanction carries
  ``recordId`` = the OFSI Group ID and ``authorityId`` = the UK Sanctions List Ref (e.g.
  ``GHR0086``) of its regime, which is the FCDO list's ``Unique ID``. An entry under several
  regimes has one ref per regime (``BEL0047 and GHR0051``): each Sanction gets the ref whose
  prefix belongs to its regime, and refs that match no regime become notes.
- The rest of ``Other Information`` becomes properties (gender, phone, IMO number, flag...)
  or notes; values FtM cannot clean are kept as labelled notes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from followthemoney import StatementEntity

from concord.errors import ParseError
from concord.model import entities
from concord.sources import base
from concord.sources.gb_common import (
    NAME_COLUMNS,
    SCHEMAS,
    add_name_parts,
    countries,
    distinct,
    full_date,
    full_name,
    group_rows,
    language,
    put,
    read_csv,
    read_xlsx,
    split_contacts,
    split_numbered,
    uk_dates,
    vocabulary_warnings,
)

SOURCE = "gb-ofsi"
ORIGIN = "conlist"
COLUMNS = (
    *NAME_COLUMNS[5:], *NAME_COLUMNS[:5], "Title", "Name Non-Latin Script",
    "Non-Latin Script Type", "Non-Latin Script Language", "DOB", "Town of Birth",
    "Country of Birth", "Nationality", "Passport Number", "Passport Details",
    "National Identification Number", "National Identification Details", "Position",
    "Address 1", "Address 2", "Address 3", "Address 4", "Address 5", "Address 6",
    "Post/Zip Code", "Country", "Other Information", "Group Type", "Alias Type",
    "Alias Quality", "Regime", "Listed On", "UK Sanctions List Date Designated",
    "Last Updated", "Group ID",
)  # fmt: skip
REQUIRED = ("Group ID", "Group Type", "Name 6", "Alias Type", "Regime", "Listed On")
ADDRESS_COLUMNS = COLUMNS[19:27]
# Simple columns -> property of the main entity (split on "(1) .. (2) ..").
COLUMN_PROPS = (
    ("Title", "title"),
    ("Town of Birth", "birthPlace"),
    ("Passport Number", "passportNumber"),
    ("National Identification Number", "idNumber"),
    ("Position", "position"),
)
NOTE_COLUMNS = ("Passport Details", "National Identification Details")
# Closed vocabularies: a value outside them is reported (Group Type falls back to LegalEntity).
VOCABULARY = {
    "Group Type": ("Individual", "Entity", "Ship"),
    "Alias Type": ("Primary name", "Primary name variation", "AKA", "FKA"),
    "Alias Quality": ("Good quality", "Low quality"),
}
# Prefix of a UK Sanctions List Ref -> regime key (read off the real files).
UKSL_PREFIXES = {
    "AFG": "GB-AFG", "AQD": "GB-ISIL", "BEL": "GB-BLR", "BIH": "GB-BH", "CAF": "GB-CAR",
    "CHW": "GB-CW", "CTD": "GB-CT", "CTI": "GB-ICT", "CYB": "GB-CYB", "DPR": "GB-DPRK",
    "DRC": "GB-DRC", "GAC": "GB-AC", "GHR": "GB-HR", "GUB": "GB-GNB", "GUC": "GB-GU",
    "HAI": "GB-HT", "IHR": "GB-IRAN", "INU": "GB-IRAN-NW", "IRN": "GB-IRAN", "IRQ": "GB-IRQ",
    "LIB": "GB-LBY", "MAL": "GB-MLI", "MYA": "GB-MMR", "NIC": "GB-NIC", "RUS": "GB-RUS",
    "SOM": "GB-SOM", "SSU": "GB-SSD", "SUD": "GB-SDN", "SYR": "GB-SYR", "VEN": "GB-VEN",
    "YEM": "GB-YEM", "ZIM": "GB-ZIM",
}  # fmt: skip
# Other Information sections -> property of the main entity ("" keeps a labelled note).
INFO_PROPS = {
    "gender": "gender", "phone number": "phone", "tel": "phone", "fax": "",
    "email address": "email", "website": "website", "type of entity": "legalForm",
    "subsidiaries": "", "parent company": "", "business reg no": "registrationNumber",
    "imo number": "imoNumber", "current owners": "", "flag of ship": "flag",
    "previous flags": "pastFlags", "type of ship": "type", "tonnage of ship": "tonnage",
    "length of ship": "", "year built": "buildDate",
    "list of persons named in relation to financial and investment restrictions group id": "",
}  # fmt: skip
CONTACT_PROPS = frozenset({"phone", "email", "website"})
SANCTION_KEYS = ("uk sanctions list ref", "un ref", "uk statement of reasons")
_KEYS = sorted([*INFO_PROPS, *SANCTION_KEYS], key=len, reverse=True)
_SECTION = re.compile(r"\((" + "|".join(re.escape(k) for k in _KEYS) + r")\)\s*:", re.I)
_REF_HEAD = re.compile(r"\s*(?:[A-Z]{3}\d{4}\b(?:\s*(?:,|&|and)\s*)?)+")
_REF = re.compile(r"[A-Z]{3}\d{4}")
_UN_REF = re.compile(r"\s*([A-Z]{2}[A-Za-z]\.\d{3})\b")

Row = dict[str, str]


@dataclass
class OtherInfo:
    """The sections of an ``Other Information`` cell."""

    refs: list[str] = field(default_factory=list)
    un_refs: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def parse_xlsx(files: Mapping[str, bytes]) -> base.ParsedList:
    """Parse ``conlist.xlsx`` (first sheet)."""
    name = "conlist.xlsx"
    return split_rows(name, read_xlsx(name, _get(files, name)))


def parse_csv(files: Mapping[str, bytes]) -> base.ParsedList:
    """Parse ``conlist.csv``."""
    name = "conlist.csv"
    return split_rows(name, read_csv(name, _get(files, name)))


def _get(files: Mapping[str, bytes], name: str) -> bytes:
    if name not in files:
        raise ParseError(name, "file missing from the snapshot")
    return files[name]


def split_rows(filename: str, rows: Sequence[Sequence[str]]) -> base.ParsedList:
    """Split the rows of a ConList file into one record per Group ID."""
    published, start = _preamble(filename, rows)
    groups, warnings = group_rows(filename, rows, start, (COLUMNS, REQUIRED), "Group ID")
    lookup = base.RegimeLookup(SOURCE)
    for label in {r.get("Regime", "") for rs in groups.values() for r in rs}:
        lookup(label)
    records = [_record(gid, group, lookup) for gid, group in groups.items()]
    for column, known in VOCABULARY.items():
        warnings += vocabulary_warnings(groups, column, known)
    warnings += lookup.warnings()
    return base.ParsedList(SOURCE, records, published, frozenset({ORIGIN}), warnings)


def _preamble(filename: str, rows: Sequence[Sequence[str]]) -> tuple[date | None, int]:
    """The publication date (``Last Updated`` line) and the index of the header row."""
    published = None
    for i, row in enumerate(rows[:10]):
        cells = [c.strip() for c in row]
        if "Group ID" in cells and "Name 6" in cells:
            return published, i
        if len(cells) > 1 and cells[0].casefold() == "last updated":
            published = full_date(cells[1])
    raise ParseError(filename, "no ConList header row (with 'Name 6' and 'Group ID') found")


def _record(gid: str, rows: list[Row], lookup: base.RegimeLookup) -> base.Record:
    info = parse_other_information(rows[0].get("Other Information", ""))
    raw = {"Group ID": gid, "UK Sanctions List Ref": " ".join(info.refs)}
    return base.Record(gid, base.fingerprint(gid, rows), partial(_build, gid, rows, lookup), raw)


def parse_other_information(text: str) -> OtherInfo:
    """Split an ``Other Information`` cell into its ``(Label):value`` sections.

    >>> info = parse_other_information(
    ...     "(UK Sanctions List Ref):BEL0047 and GHR0051. Son of the President. "
    ...     "(UK Statement of Reasons):He did it. (Gender):Male")
    >>> info.refs, info.notes, info.reasons, info.details
    (['BEL0047', 'GHR0051'], ['Son of the President.'], ['He did it.'], [('Gender', 'Male')])
    """
    info = OtherInfo()
    for label, value in _sections(text):
        key = label.casefold()
        if key == "uk sanctions list ref" and (m := _REF_HEAD.match(value)):
            info.refs.extend(r for r in _REF.findall(m[0]) if r not in info.refs)
            value = value[m.end() :].lstrip(" .;,")
        elif key == "un ref" and (m := _UN_REF.match(value)):
            info.un_refs.append(m[1])
            value = value[m.end() :].lstrip(" .;,")
        elif key == "uk statement of reasons":
            info.reasons.append(value)
            continue
        elif key in INFO_PROPS:
            info.details.append((label, value))
            continue
        elif key:
            value = f"{label}: {value}"
        if value:
            info.notes.append(value)
    return info


def _sections(text: str) -> list[tuple[str, str]]:
    """(label, value) pairs; text before the first known label has the label ``""``."""
    out: list[tuple[str, str]] = []
    label, pos = "", 0
    for m in _SECTION.finditer(text):
        out.append((label, text[pos : m.start()].strip()))
        label, pos = m[1], m.end()
    out.append((label, text[pos:].strip()))
    return [(k, v) for k, v in out if v]


def _build(gid: str, rows: list[Row], lookup: base.RegimeLookup) -> list[StatementEntity]:
    kind = rows[0].get("Group Type", "").casefold()
    main = entities.make(SOURCE, SCHEMAS.get(kind, "LegalEntity"), entities.entity_id(SOURCE, gid))
    info = OtherInfo()
    for text in distinct(rows, "Other Information"):
        part = parse_other_information(text)
        for name in ("refs", "un_refs", "reasons", "details", "notes"):
            mine = getattr(info, name)
            mine.extend(v for v in getattr(part, name) if v not in mine)
    _add_names(main, rows)
    _add_details(main, rows)
    _add_info(main, info)
    updated = sorted(d for v in distinct(rows, "Last Updated") if (d := full_date(v)))
    if updated:
        main.add("modifiedAt", updated[-1].isoformat(), origin=ORIGIN)
    return [main, *_sanctions(main, gid, rows, info, lookup)]


def _name_prop(alias_type: str, quality: str) -> str:
    kind = alias_type.casefold()
    if kind == "primary name":
        return "name"
    if kind in ("fka", "formerly known as"):
        return "previousName"
    return "weakAlias" if "low" in quality.casefold() else "alias"


def _add_names(main: StatementEntity, rows: list[Row]) -> None:
    person = main.schema.is_a("Person")
    seen: set[tuple[str, str]] = set()
    first = ""
    for row in rows:
        name = full_name([row.get(c, "") for c in NAME_COLUMNS])
        prop = _name_prop(row.get("Alias Type", ""), row.get("Alias Quality", ""))
        if not name or (name, prop) in seen:
            continue
        seen.add((name, prop))
        first = first or name
        main.add(prop, name, origin=ORIGIN)
        if prop == "name" and person:
            add_name_parts(main, row, ORIGIN)
    for row in rows:
        script = row.get("Name Non-Latin Script", "")
        lang = language(row.get("Non-Latin Script Language", ""))
        put(main, "alias", script, ORIGIN, label="Name Non-Latin Script", lang=lang)
    if not main.has("name") and first:
        main.add("name", first, origin=ORIGIN)


def _add_details(main: StatementEntity, rows: list[Row]) -> None:
    for value in distinct(rows, "DOB"):
        dates = uk_dates(value)
        put(main, "birthDate", dates or [value], ORIGIN, label="DOB")
    for column, prop in COLUMN_PROPS:
        for value in distinct(rows, column):
            put(main, prop, split_numbered(value), ORIGIN, label=column)
    for column in NOTE_COLUMNS:
        for value in distinct(rows, column):
            main.add("notes", f"{column}: {value}", origin=ORIGIN)
    codes, rest = countries(distinct(rows, "Country of Birth"))
    put(main, "birthCountry", codes, ORIGIN, label="Country of Birth")
    put(main, "birthPlace", rest, ORIGIN, label="Country of Birth")
    codes, rest = countries(distinct(rows, "Nationality"))
    # An entity's "nationality" is its country; FtM has nationality for people only.
    nationality = "nationality" if main.schema.is_a("Person") else "country"
    put(main, nationality, codes, ORIGIN, label="Nationality")
    for value in rest:
        main.add("notes", f"Nationality: {value}", origin=ORIGIN)
    addresses = {full_address(row): None for row in rows}
    put(main, "address", [a for a in addresses if a], ORIGIN, label="Address")
    put(main, "country", countries(distinct(rows, "Country"))[0], ORIGIN)


def full_address(row: Mapping[str, str]) -> str:
    """One address line from Address 1..6, postcode and country."""
    return ", ".join(row[c] for c in ADDRESS_COLUMNS if row.get(c))


def _add_info(main: StatementEntity, info: OtherInfo) -> None:
    for label, value in info.details:
        prop = INFO_PROPS[label.casefold()]
        values = split_contacts(value) if prop in CONTACT_PROPS else split_numbered(value)
        if prop in ("flag", "pastFlags"):
            codes, values = countries(values)
            put(main, prop, codes, ORIGIN, label=label)
        if prop:
            put(main, prop, values, ORIGIN, label=label)
        else:
            main.add("notes", f"{label}: {value}", origin=ORIGIN)
    for note in info.notes:
        main.add("notes", note, origin=ORIGIN)


def _sanctions(
    main: StatementEntity, gid: str, rows: list[Row], info: OtherInfo, lookup: base.RegimeLookup
) -> list[StatementEntity]:
    """One Sanction per regime (several labels of one regime share it)."""
    by_key: dict[str, list[Row]] = {}
    for row in rows:
        label = row.get("Regime", "")
        regime = lookup(label)
        by_key.setdefault(regime.key if regime else label, []).append(row)
    used: set[str] = set()
    out = []
    for key, krows in by_key.items():
        labels = distinct(krows, "Regime") or [""]
        sanction = base.make_sanction(main, labels[0], lookup(labels[0]), origin=ORIGIN)
        put(sanction, "program", labels[1:], ORIGIN)
        refs = info.refs if len(by_key) == 1 else [r for r in info.refs if _ref_key(r) == key]
        used.update(refs)
        put(sanction, "authorityId", refs, ORIGIN)
        put(sanction, "recordId", gid, ORIGIN)
        put(sanction, "unscId", info.un_refs, ORIGIN)
        put(sanction, "reason", info.reasons, ORIGIN)
        for column, prop in (
            ("Listed On", "listingDate"),
            ("UK Sanctions List Date Designated", "startDate"),
            ("Last Updated", "modifiedAt"),
        ):
            for value in distinct(krows, column):
                put(sanction, prop, uk_dates(value) or [value], ORIGIN, label=column)
        out.append(sanction)
    for ref in info.refs:
        if ref not in used:
            main.add("notes", f"UK Sanctions List Ref: {ref}", origin=ORIGIN)
    return out


def _ref_key(ref: str) -> str | None:
    return UKSL_PREFIXES.get(ref[:3])
