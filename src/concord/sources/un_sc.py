"""UN Security Council Consolidated List: ``consolidated.xml``.

``INDIVIDUAL`` and ``ENTITY`` elements, keyed by ``DATAID``. ``UN_LIST_TYPE`` names the
sanctions regime (``Al-Qaida``, ``DPRK``, ``Libya``...), ``REFERENCE_NUMBER`` (``QDi.001``)
is the UN's own permanent reference, ``LISTED_ON`` the listing date and the root's
``dateGenerated`` the publication date.

Example:
    >>> try:
    ...     parse_xml({"consolidated.xml": b"<CONSOLIDATED_LIST>\\x19</CONSOLIDATED_LIST>"})
    ... except ParseError as exc:
    ...     print(exc.filename, "|", exc.reason.split(":")[0])
    consolidated.xml | control characters not allowed in XML
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from followthemoney import StatementEntity, registry
from normality import slugify

from concord.errors import ParseError
from concord.model import entities
from concord.sources import base
from concord.sources.dates import month_number
from concord.sources.xmlsafe import parse_root

SOURCE = "un-sc"
ORIGIN = "consolidated"
FILENAME = "consolidated.xml"
# Alias QUALITY -> FtM name property ("" marks an empty alias element).
NAME_QUALITY = {"good": "alias", "a.k.a.": "alias", "low": "weakAlias", "f.k.a.": "previousName"}
NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
# Every element the format has; VERSIONNUM, LIST_TYPE (always "UN List") and SORT_KEY*
# carry nothing for the entities and are skipped on purpose.
_ELEMENTS = (
    "DATAID VERSIONNUM FIRST_NAME SECOND_NAME THIRD_NAME FOURTH_NAME UN_LIST_TYPE "
    "REFERENCE_NUMBER LISTED_ON GENDER NAME_ORIGINAL_SCRIPT COMMENTS1 TITLE DESIGNATION "
    "NATIONALITY LIST_TYPE LAST_DAY_UPDATED INDIVIDUAL_ALIAS INDIVIDUAL_ADDRESS "
    "INDIVIDUAL_DATE_OF_BIRTH INDIVIDUAL_PLACE_OF_BIRTH INDIVIDUAL_DOCUMENT ENTITY_ALIAS "
    "ENTITY_ADDRESS SORT_KEY SORT_KEY_LAST_MOD VALUE QUALITY ALIAS_NAME DATE_OF_BIRTH "
    "CITY_OF_BIRTH COUNTRY_OF_BIRTH NOTE STREET STATE_PROVINCE CITY COUNTRY ZIP_CODE "
    "TYPE_OF_DATE DATE FROM_YEAR TO_YEAR YEAR TYPE_OF_DOCUMENT TYPE_OF_DOCUMENT2 NUMBER "
    "ISSUING_COUNTRY DATE_OF_ISSUE CITY_OF_ISSUE COUNTRY_OF_ISSUE"
)
KNOWN = frozenset(_ELEMENTS.split())
# "na" in NATIONALITY means "not available", not Namibia.
NO_COUNTRY = frozenset({"", "na", "n/a", "unknown"})
_MONTH_YEAR = re.compile(r"\b([a-z]{3})[a-z]*\.?\s+(?:and\s+([a-z]{3})[a-z]*\.?\s+)?(\d{4})\b")


def birth_dates(element: Mapping[str, str]) -> list[str]:
    """FtM date strings of one ``INDIVIDUAL_DATE_OF_BIRTH`` (its children as a mapping).

    ``DATE`` wins, else ``YEAR`` (with a month from a "Sep." note), else each year of a
    ``FROM_YEAR``-``TO_YEAR`` range, else a "Nov. 1973" / "Between Aug. and Sep. 1977" note.

    >>> birth_dates({"TYPE_OF_DATE": "EXACT", "DATE": "1965-04-29"})
    ['1965-04-29']
    >>> birth_dates({"TYPE_OF_DATE": "BETWEEN", "FROM_YEAR": "1955", "TO_YEAR": "1958"})
    ['1955', '1956', '1957', '1958']
    >>> birth_dates({"TYPE_OF_DATE": "EXACT", "YEAR": "1958", "NOTE": "Sep."})
    ['1958-09']
    >>> birth_dates({"TYPE_OF_DATE": "EXACT", "NOTE": "Between Aug. and Sep. 1977"})
    ['1977-08', '1977-09']
    """
    day = (element.get("DATE") or "").strip()[:10]
    if day:
        return [day]
    note = (element.get("NOTE") or "").strip().lower()
    year = (element.get("YEAR") or "").strip()
    if year.isdigit():
        month = month_number(note) if note and len(note) <= 10 else None
        return [f"{year}-{month:02d}" if month else year]
    start, end = (element.get(k) or "" for k in ("FROM_YEAR", "TO_YEAR"))
    if start.isdigit() and end.isdigit() and 0 <= int(end) - int(start) <= 20:
        return [str(y) for y in range(int(start), int(end) + 1)]
    if start.isdigit() or end.isdigit():
        return [y for y in (start, end) if y.isdigit()]
    return _month_year_note(note)


def _month_year_note(note: str) -> list[str]:
    match = _MONTH_YEAR.search(note)
    if match is None:
        return []
    first, second, year = match.groups()
    months = [n for m in (first, second) if m and (n := month_number(m))]
    return [f"{year}-{m:02d}" for m in months]


@dataclass
class _Split:
    """Regime strings and unknown tags met while splitting."""

    lookup: base.RegimeLookup = field(default_factory=lambda: base.RegimeLookup(SOURCE))
    labels: set[str] = field(default_factory=set)
    unknown: set[str] = field(default_factory=set)

    def check(self, node: Any) -> None:
        tags = {el.tag for el in node.iterdescendants()}
        self.unknown.update(t for t in tags if isinstance(t, str) and t not in KNOWN)


def parse_xml(files: Mapping[str, bytes]) -> base.ParsedList:
    """Parse the UN SC Consolidated List (``consolidated.xml``)."""
    if FILENAME not in files:
        raise ParseError(SOURCE, f"{FILENAME} missing (got {sorted(files) or 'no files'})")
    root = parse_root(FILENAME, files[FILENAME])
    if root.tag != "CONSOLIDATED_LIST":
        raise ParseError(FILENAME, f"not a UN consolidated list (root {root.tag})")
    split = _Split()
    split.unknown.update(c.tag for c in root if c.tag not in ("INDIVIDUALS", "ENTITIES"))
    records = [
        _record(node, schema, split)
        for group, item, schema in (
            ("INDIVIDUALS", "INDIVIDUAL", "Person"),
            ("ENTITIES", "ENTITY", "Organization"),
        )
        for node in root.iterfind(f"{group}/{item}")
    ]
    groups = root.iterfind("INDIVIDUALS/*"), root.iterfind("ENTITIES/*")
    split.unknown.update(n.tag for g in groups for n in g if n.tag not in ("INDIVIDUAL", "ENTITY"))
    if not records:
        raise ParseError(FILENAME, "no INDIVIDUAL or ENTITY in the file")
    stamp = (root.get("dateGenerated") or "")[:10]
    try:
        published = date.fromisoformat(stamp) if stamp else None
    except ValueError:
        raise ParseError(FILENAME, f"bad dateGenerated {stamp!r}") from None
    return base.ParsedList(
        source=SOURCE,
        records=records,
        published=published,
        components=frozenset({ORIGIN}),
        warnings=split.lookup.warnings()
        + [f"unexpected XML element {tag}" for tag in sorted(split.unknown)],
    )


def _record(node: Any, schema: str, split: _Split) -> base.Record:
    local_id = (node.findtext("DATAID") or "").strip()
    if not local_id:
        raise ParseError(FILENAME, f"{node.tag} without DATAID at line {node.sourceline}")
    label = node.findtext("UN_LIST_TYPE") or ""
    if label not in split.labels:  # lookups are slow-ish: once per label
        split.labels.add(label)
        split.lookup(label)
    split.check(node)
    lookup = split.lookup
    parts = [(el.tag, (el.text or "").strip()) for el in node.iter()]
    return base.Record(
        local_id=local_id,
        fingerprint=base.fingerprint(schema, parts),
        build=lambda: build_entry(node, schema, lookup),
        raw={"REFERENCE_NUMBER": (node.findtext("REFERENCE_NUMBER") or "").strip()},
    )


# -- building ---------------------------------------------------------------------------


def _text(node: Any, path: str) -> str | None:
    text = (node.findtext(path) or "").strip()
    return text or None


def _values(node: Any, path: str) -> list[str]:
    return [t.strip() for t in (v.text for v in node.iterfind(f"{path}/VALUE")) if t and t.strip()]


def _country(name: str | None) -> str | None:
    if name is None or name.strip().lower() in NO_COUNTRY:
        return None
    return registry.country.clean(name)


def build_entry(node: Any, schema: str, lookup: base.RegimeLookup) -> list[StatementEntity]:
    """The FtM entities of one INDIVIDUAL or ENTITY: main entity, Sanction, documents."""
    main = entities.make(SOURCE, schema, entities.entity_id(SOURCE, node.findtext("DATAID")))
    parts = [_text(node, tag) for tag in NAME_PARTS]
    main.add("name", " ".join(p for p in parts if p), origin=ORIGIN)
    main.add("alias", _text(node, "NAME_ORIGINAL_SCRIPT"), origin=ORIGIN)
    prefix = "INDIVIDUAL" if schema == "Person" else "ENTITY"
    for alias in node.iterfind(f"{prefix}_ALIAS"):
        _add_alias(main, alias)
    for address in node.iterfind(f"{prefix}_ADDRESS"):
        _add_address(main, address)
    documents: dict[str, StatementEntity] = {}
    if schema == "Person":
        _add_person(main, node)
        for element in node.iterfind("INDIVIDUAL_DOCUMENT"):
            if _text(element, "TYPE_OF_DOCUMENT") or _text(element, "NUMBER"):
                doc = _document(main, element)
                documents.setdefault(doc.id or "", doc)
    return [main, _sanction(main, node, lookup), *documents.values()]


def _add_person(main: StatementEntity, node: Any) -> None:
    main.add("firstName", _text(node, "FIRST_NAME"), origin=ORIGIN)
    main.add("secondName", _text(node, "SECOND_NAME"), origin=ORIGIN)
    main.add("gender", _text(node, "GENDER"), origin=ORIGIN, quiet=True)
    main.add("title", _values(node, "TITLE"), origin=ORIGIN)
    main.add("position", _values(node, "DESIGNATION"), origin=ORIGIN)
    for nationality in _values(node, "NATIONALITY"):
        main.add("nationality", _country(nationality), origin=ORIGIN, quiet=True)
    for dob in node.iterfind("INDIVIDUAL_DATE_OF_BIRTH"):
        fields = {child.tag: child.text or "" for child in dob}
        main.add("birthDate", birth_dates(fields), origin=ORIGIN, quiet=True)
        if note := fields.get("NOTE", "").strip():
            main.add("notes", f"Date of birth: {note}", origin=ORIGIN)
    for pob in node.iterfind("INDIVIDUAL_PLACE_OF_BIRTH"):
        main.add("birthPlace", _address_line(pob) or None, origin=ORIGIN)
        main.add("birthCountry", _country(_text(pob, "COUNTRY")), origin=ORIGIN, quiet=True)


def _names(text: str | None) -> list[str]:
    return [n.strip() for n in (text or "").split(";") if n.strip()]


def _add_alias(main: StatementEntity, alias: Any) -> None:
    names = _names(alias.findtext("ALIAS_NAME"))
    if not names:
        return
    prop = NAME_QUALITY.get((_text(alias, "QUALITY") or "").lower(), "alias")
    main.add(prop, names, origin=ORIGIN)
    note = _text(alias, "NOTE")
    main.add("notes", f"{'; '.join(names)}: {note}" if note else None, origin=ORIGIN)
    if main.schema.is_a("Person"):
        main.add("birthDate", _text(alias, "DATE_OF_BIRTH"), origin=ORIGIN, quiet=True)
        places = [_text(alias, "CITY_OF_BIRTH"), _text(alias, "COUNTRY_OF_BIRTH")]
        place = ", ".join(p for p in places if p)
        main.add("birthPlace", place or None, origin=ORIGIN)


def _address_line(node: Any) -> str:
    # A plain join: address templates (rigour) drop parts, e.g. the city of a Chinese one.
    parts = (_text(node, tag) for tag in ("STREET", "CITY", "ZIP_CODE", "STATE_PROVINCE"))
    return ", ".join(p for p in (*parts, _text(node, "COUNTRY")) if p)


def _add_address(main: StatementEntity, node: Any) -> None:
    line = _address_line(node)
    main.add("address", line or None, origin=ORIGIN)
    main.add("country", _country(_text(node, "COUNTRY")), origin=ORIGIN, quiet=True)
    note = _text(node, "NOTE")
    main.add("notes", f"{line}: {note}" if note and line else note, origin=ORIGIN)


def _document(main: StatementEntity, node: Any) -> StatementEntity:
    """A Passport or Identification entity; its number also goes on the person."""
    kind = _text(node, "TYPE_OF_DOCUMENT") or ""
    number = _text(node, "NUMBER")
    is_passport = any(word in kind.lower() for word in ("passport", "passeport", "pasaporte"))
    main.add("passportNumber" if is_passport else "idNumber", number, origin=ORIGIN)
    schema = "Passport" if is_passport else "Identification"
    # Keyed by type and number (no id in the list), so that it survives reordering.
    key = slugify(f"{kind} {number or ''}", sep="-") or "document"
    doc = entities.make(SOURCE, schema, f"{main.id}-doc-{key}")
    doc.add("holder", main.id, origin=ORIGIN)
    doc.add("number", number, origin=ORIGIN)
    doc.add("type", [kind, _text(node, "TYPE_OF_DOCUMENT2")], origin=ORIGIN)
    for tag in ("ISSUING_COUNTRY", "COUNTRY_OF_ISSUE"):
        doc.add("country", _country(_text(node, tag)), origin=ORIGIN, quiet=True)
    city = _text(node, "CITY_OF_ISSUE")
    doc.add("summary", [_text(node, "NOTE"), f"Issued in {city}" if city else None], origin=ORIGIN)
    doc.add("startDate", _text(node, "DATE_OF_ISSUE"), origin=ORIGIN)
    return doc


def _sanction(main: StatementEntity, node: Any, lookup: base.RegimeLookup) -> StatementEntity:
    label = _text(node, "UN_LIST_TYPE") or ""
    sanction = base.make_sanction(main, label, lookup(label), origin=ORIGIN)
    listed = (_text(node, "LISTED_ON") or "")[:10] or None  # drops a "-04:00" zone
    sanction.add("listingDate", listed, origin=ORIGIN)
    sanction.add("startDate", listed, origin=ORIGIN)
    reference = _text(node, "REFERENCE_NUMBER")
    sanction.add("unscId", reference, origin=ORIGIN)
    sanction.add("authorityId", reference, origin=ORIGIN)
    sanction.add("recordId", _text(node, "DATAID"), origin=ORIGIN)
    sanction.add("reason", _text(node, "COMMENTS1"), origin=ORIGIN)
    sanction.add("modifiedAt", _values(node, "LAST_DAY_UPDATED"), origin=ORIGIN)
    return sanction
