"""US OFAC SDN list as ``sdn.xml``, the classic XML layout: one ``sdnEntry`` per entry.

It gives the same entries as the legacy file set and is read into the same entities (see
`concord.sources.us_ofac`): the entry key is the ``uid``, equal to the file set's
``ent_num``. The id types of sdn.xml are labels of the Remarks mini-language and are read by
the same rules. The file dates no designation.

Hostile XML (a DOCTYPE: entity expansion, external entities) is refused.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from functools import partial
from typing import Any, NamedTuple

from followthemoney import StatementEntity
from lxml import etree

from concord.errors import ParseError
from concord.model import entities
from concord.sources import base
from concord.sources.us_ofac import remarks
from concord.sources.us_ofac.build import (
    add_or_note,
    apply_links,
    apply_name,
    apply_remarks,
    make_sanctions,
)
from concord.sources.us_ofac.common import (
    ADD,
    ALT,
    SDN,
    SOURCE,
    gc_paused,
    link_names,
    main_id,
    regime_warnings,
    resolve_link,
)
from concord.sources.us_ofac.xml_common import (
    ALIAS_PROPS,
    COMPONENTS,
    SCHEMAS,
    digest,
    fragment,
    iter_elements,
    person_name,
    text,
)

# vesselInfo elements -> the Remarks labels of the same facts.
VESSEL = {"callSign": "Vessel Call Sign", "vesselType": "Vessel Type", "vesselFlag": "Vessel Flag"}
VESSEL |= {"vesselOwner": "Vessel Owner", "tonnage": "Vessel Tonnage"}
VESSEL |= {"grossRegisteredTonnage": "Vessel Gross Registered Tonnage"}
ADDRESS = ("address1", "address2", "address3", "city", "stateOrProvince", "postalCode")


class XmlEntry(NamedTuple):
    """One sdnEntry of sdn.xml: its serialized element and resolved links."""

    uid: str
    data: bytes
    links: tuple[tuple[str, str | None], ...]


def parse_sdn_xml(files: Mapping[str, bytes]) -> base.ParsedList:
    """Parse ``sdn.xml``: one record per ``sdnEntry``, keyed by its ``uid``."""
    filename = "sdn.xml"
    data = files.get(filename)
    if data is None:
        raise ParseError(filename, "file missing")
    parsed = base.ParsedList(source=SOURCE, records=[], components=COMPONENTS)
    with gc_paused():
        _split_sdn(filename, data, parsed)
    return parsed


def _split_sdn(filename: str, data: bytes, parsed: base.ParsedList) -> None:
    pending: list[tuple[str, bytes, list[str]]] = []
    index: dict[str, str | None] = {}
    programs: set[str] = set()
    for element in iter_elements(filename, data, ("sdnEntry", "Publish_Date")):
        if element.tag.endswith("Publish_Date"):
            parsed.published = _us_date(element.text)
            continue
        # Children by local name: a direct walk is much faster than namespaced finds.
        fields = {child.tag.rpartition("}")[2]: child for child in element}
        uid = _child_text(fields, "uid")
        if not uid.isdigit():
            raise ParseError(filename, f"sdnEntry without a numeric uid: {uid!r}")
        name = person_name(_child_text(fields, "lastName"), _child_text(fields, "firstName"))
        index[name] = None if name in index else uid
        if "programList" in fields:
            programs.update((p.text or "").strip() for p in fields["programList"])
        raw = etree.tostring(element)
        pending.append((uid, raw, _xml_link_names(element) if b"Linked To" in raw else []))
    if not pending:
        raise ParseError(filename, "no sdnEntry")
    for uid, raw, names in pending:
        links = tuple((name, resolve_link(name, index, uid)) for name in names)
        entry = XmlEntry(uid, raw, links)
        print_ = base.fingerprint(digest(raw), links)
        parsed.records.append(base.Record(uid, print_, partial(build_sdn_entry, entry)))
    parsed.warnings.extend(regime_warnings(programs))


def _child_text(fields: Mapping[str, Any], name: str) -> str:
    child = fields.get(name)
    return "" if child is None or child.text is None else str(child.text).strip()


def _us_date(value: str | None) -> date | None:
    try:
        return datetime.strptime((value or "").strip(), "%m/%d/%Y").date()
    except ValueError:
        return None


def _xml_link_names(element: Any) -> list[str]:
    names = link_names(text(element, "remarks"))
    for id_ in element.iterfind("{*}idList/{*}id"):
        if text(id_, "idType").startswith("Linked To"):
            names.append(text(id_, "idNumber"))
    return names


def build_sdn_entry(entry: XmlEntry) -> list[StatementEntity]:
    """The entities of one sdnEntry (same conventions as `csv_entry.build_entry`)."""
    element = fragment(entry.data)
    kind = text(element, "sdnType").casefold()
    main = entities.make(SOURCE, SCHEMAS.get(kind, "Organization"), main_id(entry.uid))
    last, first = text(element, "lastName"), text(element, "firstName")
    apply_name(main, person_name(last, first), first, last)
    title = text(element, "title")
    if main.schema.is_a("Person"):
        main.add("position", title, origin=SDN)
    elif title:
        main.add("notes", f"Title: {title}", origin=SDN)
    _apply_akas(main, element)
    _apply_addresses(main, element)
    segments = list(_sdn_segments(element))
    parsed = remarks.parse_segments(segments)
    remarks.parse_segments(remarks.split_segments(text(element, "remarks"), None), parsed)
    others = apply_remarks(main, parsed, skip={title.rstrip(".")} if title else set())
    others += apply_links(main, parsed.links, dict(entry.links))
    tags = [p.text.strip() for p in element.iterfind("{*}programList/{*}program") if p.text]
    sanctions = make_sanctions(main, entry.uid, tags, parsed.provisions)
    return [main, *sanctions, *others]


def _apply_akas(main: StatementEntity, element: Any) -> None:
    for aka in element.iterfind("{*}akaList/{*}aka"):
        name = person_name(text(aka, "lastName"), text(aka, "firstName"))
        prop = ALIAS_PROPS.get(text(aka, "type").casefold(), "alias")
        if prop == "alias" and text(aka, "category").casefold() == "weak":
            prop = "weakAlias"
        main.add(prop, name, origin=ALT)


def _apply_addresses(main: StatementEntity, element: Any) -> None:
    for address in element.iterfind("{*}addressList/{*}address"):
        parts = [text(address, tag) for tag in ADDRESS]
        country, region = text(address, "country"), text(address, "region")
        full = ", ".join(part for part in (*parts, region, country) if part)
        if any(parts):
            main.add("address", full, origin=ADD)
        add_or_note(main, "country", country, ADD, f"Country: {country}", soft=True)


def _sdn_segments(element: Any) -> Iterator[tuple[str, str]]:
    """The entry's structured facts as statements of the Remarks mini-language."""
    for item in element.iterfind("{*}nationalityList/{*}nationality"):
        yield f"nationality {text(item, 'country')}", SDN
    for item in element.iterfind("{*}citizenshipList/{*}citizenship"):
        yield f"citizen {text(item, 'country')}", SDN
    for item in element.iterfind("{*}dateOfBirthList/{*}dateOfBirthItem"):
        yield f"DOB {text(item, 'dateOfBirth')}", SDN
    for item in element.iterfind("{*}placeOfBirthList/{*}placeOfBirthItem"):
        yield f"POB {text(item, 'placeOfBirth')}", SDN
    for tag, label in VESSEL.items():
        value = text(element, f"vesselInfo/{tag}")
        if value:
            yield f"{label} {value}", SDN
    for id_ in element.iterfind("{*}idList/{*}id"):
        yield (
            id_segment(
                text(id_, "idType"),
                text(id_, "idNumber"),
                text(id_, "idCountry"),
                text(id_, "issueDate"),
                text(id_, "expirationDate"),
            ),
            SDN,
        )


def id_segment(kind: str, number: str, country: str, issued: str, expires: str) -> str:
    """An id element written as a Remarks statement.

    >>> id_segment("Passport", "A1", "Iraq", "01 Jan 2001", "")
    'Passport A1 (Iraq) issued 01 Jan 2001'
    """
    out = f"{kind} {number}".strip()
    if country:
        out += f" ({country})"
    if issued:
        out += f" issued {issued}"
    if expires:
        out += f" expires {expires}"
    return out
