"""Parser for the UK Sanctions List CSV published by the FCDO (the only UK list since 2026).

The file starts with a ``Report Date: DD-Mon-YYYY`` line (the publication date), then a
58-column header. There is one row per name: rows sharing ``Unique ID`` (e.g. ``GHR0086``,
``RUS2176``) are one designation entry, under one regime (``Regime Name`` is the title of
the regulations, e.g. ``The Russia (Sanctions) (EU Exit) Regulations 2019``). Several
values in one cell are separated by ``|``; dates are ``DD/MM/YYYY``.

Mapping (FollowTheMoney), chosen to line up with the OFSI parser (`gb_ofsi`):

- ``Designation Type`` Individual / Entity / Ship -> Person / Organization / Vessel, with
  the entity id from the entry key ``gb-fcdo:<Unique ID>``.
- ``Name type`` Primary Name -> ``name`` (firstName .. lastName from Name 1..6 for a
  person); Alias -> ``alias``, or ``weakAlias`` when ``Alias strength`` says weak / low;
  ``Name non-latin script`` -> ``alias`` in its language.
- One Sanction per (entry, regime) with ``authorityId`` = Unique ID and ``recordId`` = the
  ``OFSI Group ID``, exactly as the OFSI parser writes the UK Sanctions List Ref and the
  Group ID, so the resolver can join the two lists on either; ``UN Reference Number`` ->
  unscId, ``Date Designated`` -> startDate, ``Last Updated`` -> modifiedAt, ``UK Statement
  of Reasons`` -> reason, ``Sanctions Imposed`` -> provisions, ``Designation source`` ->
  authority.
- Personal, address, contact, entity and ship columns -> the matching FtM properties;
  columns with no FtM property, and values FtM cannot clean, become labelled notes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from fnmatch import fnmatch
from functools import partial

from followthemoney import StatementEntity

from concord.errors import ParseError
from concord.model import entities
from concord.sources import base
from concord.sources.dates import month_number, partial_date
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
    split_contacts,
    split_numbered,
    split_pipes,
    uk_dates,
    vocabulary_warnings,
)

SOURCE = "gb-fcdo"
ORIGIN = "uksl"
FILE_PATTERN = "uk*sanctions*list*.csv"
ADDRESS_COLUMNS = (
    "Address Line 1", "Address Line 2", "Address Line 3", "Address Line 4", "Address Line 5",
    "Address Line 6", "Address Postal Code", "Address Country",
)  # fmt: skip
# Columns describing the target -> property of the main entity ("" keeps a labelled note).
DETAILS = (
    ("Title", "title"), ("D.O.B", "birthDate"), ("Nationality(/ies)", "nationality"),
    ("National Identifier number", "idNumber"),
    ("National Identifier additional information", ""), ("Passport number", "passportNumber"),
    ("Passport additional information", ""), ("Position", "position"), ("Gender", "gender"),
    ("Town of birth", "birthPlace"), ("Country of birth", "birthCountry"),
    ("Phone number", "phone"), ("Website", "website"), ("Email address", "email"),
    ("Type of entity", "legalForm"), ("Subsidiaries", ""), ("Parent company", ""),
    ("Business registration number (s)", "registrationNumber"), ("IMO number", "imoNumber"),
    ("Current owner/operator (s)", ""), ("Previous owner/operator (s)", ""),
    ("Current believed flag of ship", "flag"), ("Previous flags", "pastFlags"),
    ("Type of ship", "type"), ("Tonnage of ship", "tonnage"), ("Length of ship", ""),
    ("Year Built", "buildDate"), ("Hull identification number (HIN)", ""),
)  # fmt: skip
COLUMNS = (
    "Last Updated", "Unique ID", "OFSI Group ID", "UN Reference Number", "Name 6",
    *NAME_COLUMNS[:5], "Name type", "Alias strength", "Title", "Name non-latin script",
    "Non-latin script type", "Non-latin script language", "Regime Name", "Designation Type",
    "Designation source", "Sanctions Imposed", "Other Information", "UK Statement of Reasons",
    *ADDRESS_COLUMNS, "Phone number", "Website", "Email address", "Date Designated", "D.O.B",
    "Nationality(/ies)", "National Identifier number",
    "National Identifier additional information", "Passport number",
    "Passport additional information", "Position", "Gender", "Town of birth",
    "Country of birth", "Type of entity", "Subsidiaries", "Parent company",
    "Business registration number (s)", "IMO number", "Current owner/operator (s)",
    "Previous owner/operator (s)", "Current believed flag of ship", "Previous flags",
    "Type of ship", "Tonnage of ship", "Length of ship", "Year Built",
    "Hull identification number (HIN)",
)  # fmt: skip
REQUIRED = ("Unique ID", "Name 6", "Name type", "Regime Name", "Designation Type")
COUNTRY_PROPS = frozenset({"nationality", "birthCountry", "flag", "pastFlags"})
CONTACT_PROPS = frozenset({"phone", "email", "website"})
# Closed vocabularies: a value outside them is reported (an unknown type builds a LegalEntity).
VOCABULARY = {
    "Designation Type": ("Individual", "Entity", "Ship"),
    "Name type": ("Primary Name", "Primary Name Variation", "Alias"),
}
_REPORT_DATE = re.compile(r"report date\s*:?\s*(\d{1,2})[- ]([a-z]{3})[a-z]*[- ](\d{4})", re.I)

Row = dict[str, str]


def parse_csv(files: Mapping[str, bytes]) -> base.ParsedList:
    """Parse the UK Sanctions List CSV (``UK-Sanctions-List.csv``)."""
    names = sorted(n for n in files if fnmatch(n, FILE_PATTERN))
    if not names:
        raise ParseError("uk-sanctions-list.csv", "file missing from the snapshot")
    return split_rows(names[0], read_csv(names[0], files[names[0]]))


def report_date(text: str) -> date | None:
    """The publication date of a ``Report Date: 08-Oct-2026`` line.

    >>> report_date("Report Date: 08-Oct-2026"), report_date("Report Date: someday")
    (datetime.date(2026, 10, 8), None)
    """
    m = _REPORT_DATE.search(text)
    month = month_number(m[2]) if m is not None else None
    found = partial_date(m[3], month, m[1]) if m is not None and month else None
    return date.fromisoformat(found) if found else None


def split_rows(filename: str, rows: Sequence[Sequence[str]]) -> base.ParsedList:
    """Split the rows of the list into one record per Unique ID."""
    published, start = _preamble(filename, rows)
    groups, warnings = group_rows(filename, rows, start, (COLUMNS, REQUIRED), "Unique ID")
    lookup = base.RegimeLookup(SOURCE)
    for label in {r.get("Regime Name", "") for rs in groups.values() for r in rs}:
        lookup(label)
    records = [_record(uid, group, lookup) for uid, group in groups.items()]
    for column, known in VOCABULARY.items():
        warnings += vocabulary_warnings(groups, column, known)
    warnings += lookup.warnings()
    return base.ParsedList(SOURCE, records, published, frozenset({ORIGIN}), warnings)


def _preamble(filename: str, rows: Sequence[Sequence[str]]) -> tuple[date | None, int]:
    published = None
    for i, row in enumerate(rows[:10]):
        cells = [c.strip() for c in row]
        if "Unique ID" in cells and "Name 6" in cells:
            return published, i
        if cells and cells[0].casefold().startswith("report date"):
            published = report_date(" ".join(cells))
    raise ParseError(filename, "no UK Sanctions List header row (with 'Unique ID') found")


def _record(uid: str, rows: list[Row], lookup: base.RegimeLookup) -> base.Record:
    raw = {"Unique ID": uid, "OFSI Group ID": " ".join(distinct(rows, "OFSI Group ID"))}
    return base.Record(uid, base.fingerprint(uid, rows), partial(_build, uid, rows, lookup), raw)


def _build(uid: str, rows: list[Row], lookup: base.RegimeLookup) -> list[StatementEntity]:
    kind = rows[0].get("Designation Type", "").casefold()
    main = entities.make(SOURCE, SCHEMAS.get(kind, "LegalEntity"), entities.entity_id(SOURCE, uid))
    _add_names(main, rows)
    _add_details(main, rows)
    _add_addresses(main, rows)
    for value in distinct(rows, "Other Information"):
        main.add("notes", value, origin=ORIGIN)
    updated = sorted(d for v in distinct(rows, "Last Updated") if (d := full_date(v)))
    if updated:
        main.add("modifiedAt", updated[-1].isoformat(), origin=ORIGIN)
    return [main, *_sanctions(main, uid, rows, lookup)]


def _name_prop(name_type: str, strength: str) -> str:
    kind = name_type.casefold()
    if kind == "primary name":
        return "name"
    if "formerly" in kind or kind == "fka":
        return "previousName"
    weak = any(word in strength.casefold() for word in ("weak", "low"))
    return "weakAlias" if weak else "alias"


def _add_names(main: StatementEntity, rows: list[Row]) -> None:
    person = main.schema.is_a("Person")
    first = ""
    for row in rows:
        name = full_name([row.get(c, "") for c in NAME_COLUMNS])
        prop = _name_prop(row.get("Name type", ""), row.get("Alias strength", ""))
        if not name:
            continue
        first = first or name
        main.add(prop, name, origin=ORIGIN)
        if prop == "name" and person:
            add_name_parts(main, row, ORIGIN)
    for row in rows:
        lang = language(row.get("Non-latin script language", ""))
        scripts = split_pipes(row.get("Name non-latin script", ""))
        put(main, "alias", scripts, ORIGIN, label="Name non-latin script", lang=lang)
    if not main.has("name") and first:
        main.add("name", first, origin=ORIGIN)


def _add_details(main: StatementEntity, rows: list[Row]) -> None:
    for column, prop in DETAILS:
        for cell in distinct(rows, column):
            split = split_contacts if prop in CONTACT_PROPS else split_numbered
            values = [v for part in split_pipes(cell) for v in split(part)]
            if not prop:
                main.add("notes", f"{column}: {cell}", origin=ORIGIN)
            elif prop in COUNTRY_PROPS:
                codes, rest = countries(values)
                put(main, prop, codes, ORIGIN, label=column)
                put(main, "birthPlace" if prop == "birthCountry" else prop, rest, ORIGIN, column)
            elif prop == "birthDate":
                for value in values:
                    put(main, prop, uk_dates(value) or [value], ORIGIN, label=column)
            else:
                put(main, prop, values, ORIGIN, label=column)


def addresses(row: Mapping[str, str]) -> list[str]:
    """The addresses of a row; ``|``-separated address cells are read in parallel.

    >>> addresses({"Address Line 1": "1 Main St|2 High St", "Address Country": "Russia"})
    ['1 Main St, Russia', '2 High St, Russia']
    """
    cells = [split_pipes(row.get(c, "")) for c in ADDRESS_COLUMNS]
    count = max(len(cell) for cell in cells)
    if any(len(cell) not in (0, 1, count) for cell in cells):
        # Cells that do not line up cannot be paired: keep the whole text as one address.
        return [", ".join(row[c] for c in ADDRESS_COLUMNS if row.get(c))]
    return [
        ", ".join(cell[i] if len(cell) == count else cell[0] for cell in cells if cell)
        for i in range(count)
    ]


def _add_addresses(main: StatementEntity, rows: list[Row]) -> None:
    found = {address: None for row in rows for address in addresses(row)}
    put(main, "address", list(found), ORIGIN, label="Address")
    cells = [v for cell in distinct(rows, "Address Country") for v in split_pipes(cell)]
    put(main, "country", countries(cells)[0], ORIGIN)


def _sanctions(
    main: StatementEntity, uid: str, rows: list[Row], lookup: base.RegimeLookup
) -> list[StatementEntity]:
    """One Sanction per regime of the entry (normally exactly one)."""
    by_key: dict[str, list[Row]] = {}
    for row in rows:
        label = row.get("Regime Name", "")
        regime = lookup(label)
        by_key.setdefault(regime.key if regime else label, []).append(row)
    out = []
    for krows in by_key.values():
        labels = distinct(krows, "Regime Name") or [""]
        sanction = base.make_sanction(main, labels[0], lookup(labels[0]), origin=ORIGIN)
        put(sanction, "program", labels[1:], ORIGIN)
        put(sanction, "authorityId", uid, ORIGIN)
        for column, prop in (
            ("OFSI Group ID", "recordId"),
            ("UN Reference Number", "unscId"),
            ("Sanctions Imposed", "provisions"),
            ("Designation source", "authority"),
        ):
            for cell in distinct(krows, column):
                put(sanction, prop, split_pipes(cell), ORIGIN, label=column)
        # A statement of reasons is prose: never split on "|".
        put(sanction, "reason", distinct(krows, "UK Statement of Reasons"), ORIGIN)
        for column, prop in (("Date Designated", "startDate"), ("Last Updated", "modifiedAt")):
            for value in (v for cell in distinct(krows, column) for v in split_pipes(cell)):
                put(sanction, prop, uk_dates(value) or [value], ORIGIN, label=column)
        out.append(sanction)
    return out
