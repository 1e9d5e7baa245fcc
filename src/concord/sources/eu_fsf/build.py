"""EU FSF: the FollowTheMoney entities of one entry (its ``sanctionEntity`` elements).

Dates: a Sanction's ``listingDate`` and ``startDate`` are the ``designationDate`` of the
programme's elements when given, else a "Date of listing: 2.3.2021" remark. Otherwise
``listingDate`` is the earliest publication date among the acts those elements cite (the
regulation and the acts behind each name, birth date, address...): an upper bound on the true
date, which the earliest cited act usually is; ``startDate`` then stays empty.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from followthemoney import StatementEntity, registry
from rigour.langs import iso_639_alpha3

from concord.model import entities
from concord.sources import base

SOURCE = "eu-fsf"
ORIGIN = "fsf"
NS = "{http://eu.europa.ec/fpi/fsd/export}"
SCHEMAS = {"person": "Person", "enterprise": "Organization"}
# identificationTypeCode -> property of the main entity (the document entity keeps the rest).
ID_PROPS = {"passport": "passportNumber", "swiftbic": "swiftBic", "imo": "imoNumber"}
ID_PROPS |= {"regnumber": "registrationNumber", "fiscalcode": "taxNumber"}
CONTACT_PROPS = {"PHONE": "phone", "FAX": "phone", "EMAIL": "email", "WEB": "website"}
_FLAGS = ("diplomatic", "knownExpired", "knownFalse", "reportedLost", "revokedByIssuer")
_LISTING_NOTE = re.compile(
    r"date of (?:listing|designation)(?: referred to in article [^:]*)?\s*:?\s*"
    r"(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{4})",
    re.IGNORECASE,
)


def listing_date_in(text: str | None) -> str | None:
    """The ISO date of a "Date of listing: 2.3.2021" note, if the text holds a valid one.

    >>> listing_date_in("Joint venture of GPC. Date of listing: 23.1.2012.")
    '2012-01-23'
    >>> listing_date_in("Date of designation referred to in Article 2a (4) (b): 11.3.2010.")
    '2010-03-11'
    >>> listing_date_in("Date of UN designation: 1 November 2005.") is None
    True
    """
    match = _LISTING_NOTE.search(text or "")
    if match is None:
        return None
    raw = match.group(1)
    if "-" in raw:
        year, month, day = (int(p) for p in raw.split("-"))
    else:
        day, month, year = (int(p) for p in re.split(r"[./]", raw))
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def birth_dates(node: Mapping[str, str]) -> list[str]:
    """FtM date strings of one ``birthdate`` element's attributes.

    A full ``birthdate`` wins (for non-Gregorian calendars it is the Gregorian conversion,
    and the year/month/day parts are in the other calendar); else year[-month[-day]]; a
    ``yearRangeFrom``-``yearRangeTo`` range gives each year.

    >>> birth_dates({"calendarType": "GREGORIAN", "year": "1965", "monthOfYear": "4"})
    ['1965-04']
    >>> birth_dates({"calendarType": "ISLAMIC", "birthdate": "1982-04-19", "year": "1402"})
    ['1982-04-19']
    >>> birth_dates({"yearRangeFrom": "1953", "yearRangeTo": "1955"})
    ['1953', '1954', '1955']
    """
    full = (node.get("birthdate") or "").strip()
    if full:
        return [full]
    if (node.get("calendarType") or "GREGORIAN") != "GREGORIAN":
        return []
    year, month, day = (node.get(k) or "" for k in ("year", "monthOfYear", "dayOfMonth"))
    if year.isdigit():
        text = year.zfill(4)
        if month.isdigit():
            text += f"-{int(month):02d}" + (f"-{int(day):02d}" if day.isdigit() else "")
        return [text]
    start, end = node.get("yearRangeFrom") or "", node.get("yearRangeTo") or ""
    if start.isdigit() and end.isdigit() and 0 <= int(end) - int(start) <= 20:
        return [str(y) for y in range(int(start), int(end) + 1)]
    return [y for y in (start, end) if y.isdigit()]


def _all(node: Any, tag: str) -> list[Any]:
    return list(node.findall(f"{NS}{tag}"))


def _texts(node: Any, tag: str) -> list[str]:
    return [t.strip() for t in (el.text for el in _all(node, tag)) if t and t.strip()]


def _country(node: Any) -> str | None:
    """The country of a place-like element: its ISO code, or for "00" (unknown) and "CS"
    (Serbia and Montenegro, but Czechoslovakia to FtM) its description."""
    code = (node.get("countryIso2Code") or "").strip()
    if code and code not in ("00", "CS"):
        return registry.country.clean(code)
    description = (node.get("countryDescription") or "").strip()
    return registry.country.clean(description) if description not in ("", "UNKNOWN") else None


def build_entry(elements: list[Any], lookup: base.RegimeLookup) -> list[StatementEntity]:
    """The FtM entities of one entry: main entity, one Sanction per programme, documents."""
    first = elements[0]
    subject = first.find(f"{NS}subjectType")
    schema = SCHEMAS.get(subject.get("code") if subject is not None else "", "LegalEntity")
    main = entities.make(SOURCE, schema, entities.entity_id(SOURCE, first.get("logicalId")))
    _add_names(main, [alias for e in elements for alias in _all(e, "nameAlias")])
    documents: dict[str, StatementEntity] = {}
    programmes: dict[str, list[Any]] = {}
    for element in elements:
        for info in _all(element, "additionalInformation"):
            main.add("notes", f"{info.get('key')}: {info.get('value')}", origin=ORIGIN)
        for node in _all(element, "citizenship"):
            main.add("nationality", _country(node), origin=ORIGIN, quiet=True)
        for node in _all(element, "birthdate"):
            _add_birth(main, node)
        for node in _all(element, "address"):
            _add_address(main, node)
        for node in _all(element, "identification"):
            doc = _document(main, node)
            documents.setdefault(doc.id or "", doc)
        for regulation in _all(element, "regulation"):
            group = programmes.setdefault((regulation.get("programme") or "").strip(), [])
            group.extend([] if element in group else [element])
    sanctions = [_sanction(main, els, code, lookup) for code, els in programmes.items()]
    return [main, *sanctions, *documents.values()]


def _add_names(main: StatementEntity, aliases: list[Any]) -> None:
    """Names: the first strong untranslated alias is `name`, other strong ones `alias`."""
    strong = [a for a in aliases if not _weak(a)]
    untranslated = [a for a in strong if not a.get("nameLanguage")]
    primary = (untranslated or strong or [None])[0]
    is_person = main.schema.is_a("Person")
    for alias in aliases:
        prop = "name" if alias is primary else "weakAlias" if _weak(alias) else "alias"
        lang = iso_639_alpha3(alias.get("nameLanguage")) if alias.get("nameLanguage") else None
        if prop == "name" or alias.get("wholeName") not in main.get("name"):
            main.add(prop, alias.get("wholeName"), origin=ORIGIN, lang=lang)
        if is_person:
            main.add("title", alias.get("title") or None, origin=ORIGIN, lang=lang)
            main.add("position", alias.get("function") or None, origin=ORIGIN, lang=lang)
            main.add("gender", alias.get("gender"), origin=ORIGIN, quiet=True)
        else:
            main.add("notes", alias.get("function") or None, origin=ORIGIN, lang=lang)
        notes = [t for t in _texts(alias, "remark") if "quality" not in t.lower()]
        main.add("notes", notes, origin=ORIGIN)
    if is_person and primary is not None:
        for prop in ("firstName", "middleName", "lastName"):
            main.add(prop, primary.get(prop) or None, origin=ORIGIN)


def _weak(alias: Any) -> bool:
    remarks = " ".join(_texts(alias, "remark")).lower()
    return alias.get("strong") == "false" or "low quality" in remarks


def _place(node: Any, *keys: str) -> str:
    parts = [(node.get(k) or "").strip() for k in keys]
    code = _country(node)
    country = registry.country.names.get(code) if code else None
    return ", ".join(p for p in [*parts, country or ""] if p)


def _add_birth(main: StatementEntity, node: Any) -> None:
    main.add("birthDate", birth_dates(node.attrib), origin=ORIGIN, quiet=True)
    place = _place(node, "place", "city", "zipCode", "region")
    main.add("birthPlace", place or None, origin=ORIGIN, quiet=True)
    main.add("birthCountry", _country(node), origin=ORIGIN, quiet=True)


def _add_address(main: StatementEntity, node: Any) -> None:
    # A plain join: address templates (rigour) drop parts, e.g. the city of a Chinese one.
    code = _country(node)
    line = _place(node, "street", "poBox", "place", "city", "zipCode", "region")
    main.add("address", line or None, origin=ORIGIN)
    main.add("country", code, origin=ORIGIN)
    main.add("notes", _texts(node, "remark"), origin=ORIGIN)
    for info in _all(node, "contactInfo"):
        prop = CONTACT_PROPS.get((info.get("key") or "").upper())
        value = info.get("value") or ""
        if prop is None:
            main.add("notes", f"{info.get('key')}: {value}", origin=ORIGIN)
        else:
            main.add(prop, re.split(r"\s*[,;]\s*", value), origin=ORIGIN, quiet=True)


def _document(main: StatementEntity, node: Any) -> StatementEntity:
    """An Identification (or Passport) entity; its number also goes on the main entity."""
    kind = node.get("identificationTypeCode") or ""
    numbers = [n for n in (node.get("number"), node.get("latinNumber")) if n]
    prop = ID_PROPS.get(kind, "idNumber")
    prop = prop if main.schema.get(prop) is not None else "idNumber"
    main.add(prop, numbers, origin=ORIGIN)
    schema = "Passport" if kind == "passport" else "Identification"
    doc_id = f"{main.id}-id-{node.get('logicalId')}"
    doc = entities.make(SOURCE, schema, doc_id)
    doc.add("holder", main.id, origin=ORIGIN)
    doc.add("number", numbers, origin=ORIGIN)
    doc.add("type", node.get("identificationTypeDescription") or kind, origin=ORIGIN)
    doc.add("country", _country(node), origin=ORIGIN)
    doc.add("authority", node.get("issuedBy") or None, origin=ORIGIN)
    doc.add("startDate", node.get("issueDate") or node.get("validFrom"), origin=ORIGIN)
    doc.add("endDate", node.get("validTo"), origin=ORIGIN)
    flags = [f for f in _FLAGS if node.get(f) == "true"]
    summary = [*_texts(node, "remark"), *flags, node.get("nameOnDocument") or ""]
    doc.add("summary", [s for s in summary if s], origin=ORIGIN)
    return doc


def _acts_dates(element: Any) -> list[str]:
    """Publication dates of the regulation an element names and of the acts it cites."""
    tags = (f"{NS}regulation", f"{NS}regulationSummary", f"{NS}corrigendum")
    return [d for el in element.iter(*tags) if (d := el.get("publicationDate"))]


def _sanction(
    main: StatementEntity, elements: list[Any], programme: str, lookup: base.RegimeLookup
) -> StatementEntity:
    """One Sanction per programme, from the entry's elements of it (dated as in the
    module docstring)."""
    sanction = base.make_sanction(main, programme, lookup(programme), origin=ORIGIN)
    remarks = [r for e in elements for r in _texts(e, "remark")]
    details = [d for e in elements if (d := (e.get("designationDetails") or "").strip())]
    noted = [d for d in map(listing_date_in, [*remarks, *details]) if d]
    designated = [d for e in elements if (d := e.get("designationDate"))]
    stated = min(designated or noted, default=None)
    acts = [d for e in elements for d in _acts_dates(e)]
    sanction.add("listingDate", stated or min(acts, default=None), origin=ORIGIN)
    sanction.add("startDate", stated, origin=ORIGIN)
    for element in elements:
        sanction.add("endDate", element.get("delistingDate"), origin=ORIGIN)
        sanction.add("authorityId", element.get("euReferenceNumber") or None, origin=ORIGIN)
        sanction.add("unscId", element.get("unitedNationId") or None, origin=ORIGIN)
        for regulation in _all(element, "regulation"):
            kind = regulation.get("regulationType") or "regulation"
            title = f"{kind} {regulation.get('numberTitle')}"
            sanction.add("description", title, origin=ORIGIN)
            sanction.add("sourceUrl", _texts(regulation, "publicationUrl"), origin=ORIGIN)
    sanction.add("reason", remarks, origin=ORIGIN)
    sanction.add("summary", details, origin=ORIGIN)
    sanction.add("recordId", elements[0].get("logicalId"), origin=ORIGIN)
    return sanction
