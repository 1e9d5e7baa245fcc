"""US OFAC SDN list as XML: ``sdn.xml`` (the classic layout) and ``sdn_advanced.xml`` (the
UN-style "Advanced Sanctions Data Model").

Both give the same entries as the CSV set and are read into the same entities (see
`concord.sources.us_ofac`): the entry key is the ``uid`` (sdn.xml) or the party's
``FixedRef`` (advanced), both equal to the CSV ``ent_num``; statements carry the component
they correspond to in the CSV set (names ``sdn``, aliases ``alt``, addresses ``add``), so
that a snapshot read from XML and one read from CSV compare fact by fact. The id types of
sdn.xml and the feature types of the advanced file are the labels of the Remarks
mini-language and are read by the same rules. Only the advanced file dates designations:
a Sanction's ``listingDate`` is the entry event of its programme's legal basis.

Hostile XML (a DOCTYPE: entity expansion, external entities) is refused.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from functools import partial
from typing import Any, NamedTuple

from followthemoney import StatementEntity
from lxml import etree

from concord.errors import ParseError
from concord.model import entities
from concord.sources import base
from concord.sources import us_ofac as ofac
from concord.sources import us_ofac_remarks as remarks

SOURCE = ofac.SOURCE
COMPONENTS = frozenset({ofac.SDN, ofac.ADD, ofac.ALT, ofac.COMMENTS})
SCHEMAS = {"individual": "Person", "entity": "Organization", "vessel": "Vessel"}
SCHEMAS["aircraft"] = "Airplane"
ALIAS_PROPS = {"a.k.a.": "alias", "f.k.a.": "previousName", "n.k.a.": "alias"}
# vesselInfo elements -> the Remarks labels of the same facts.
VESSEL = {"callSign": "Vessel Call Sign", "vesselType": "Vessel Type", "vesselFlag": "Vessel Flag"}
VESSEL |= {"vesselOwner": "Vessel Owner", "tonnage": "Vessel Tonnage"}
VESSEL |= {"grossRegisteredTonnage": "Vessel Gross Registered Tonnage"}
ADDRESS = ("address1", "address2", "address3", "city", "stateOrProvince", "postalCode")
_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "huge_tree": False,
    "load_dtd": False,
    "remove_comments": True,
    "remove_blank_text": True,  # so that re-indenting a file leaves fingerprints alone
}
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_ROOT = re.compile(rb"<[A-Za-z]")


def check_prolog(filename: str, data: bytes) -> None:
    """Refuse an empty file and any DOCTYPE (the only place entity declarations can hide)."""
    if not data.strip():
        raise ParseError(filename, "file is empty")
    start = _ROOT.search(data)
    if _DOCTYPE.search(data, 0, start.start() if start else len(data)):
        raise ParseError(filename, "DOCTYPE/entity declarations are not allowed")


def iter_elements(filename: str, data: bytes, tags: tuple[str, ...]) -> Iterator[Any]:
    """The elements named `tags` (any namespace), each complete, in document order.

    The caller serializes what it needs; each element is cleared after it is handed out.
    """
    check_prolog(filename, data)
    wanted = tuple(f"{{*}}{tag}" for tag in tags)
    events = etree.iterparse(io.BytesIO(data), events=("end",), tag=wanted, **_OPTIONS)
    try:
        for number, (_, element) in enumerate(events):
            if number == 0 and element.getroottree().docinfo.internalDTD is not None:
                raise ParseError(filename, "DOCTYPE/entity declarations are not allowed")
            yield element
            element.clear(keep_tail=False)
    except etree.XMLSyntaxError as exc:
        raise ParseError(filename, f"malformed or truncated XML: {exc}") from None


def digest(data: bytes) -> str:
    """A hash of serialized XML, to fingerprint (far cheaper than the repr of the bytes)."""
    return hashlib.sha1(data).hexdigest()


def fragment(data: bytes) -> Any:
    """An element serialized at split time, parsed again for building."""
    return etree.fromstring(data, etree.XMLParser(**_OPTIONS))


def text(element: Any, path: str) -> str:
    """The stripped text at `path` (local names, any namespace), or ``""``."""
    found = element.find("{*}" + path.replace("/", "/{*}"))
    return "" if found is None or found.text is None else found.text.strip()


def person_name(last: str, first: str) -> str:
    """A name the way the CSV files write it.

    >>> person_name("EXAMPLOV", "Ivan"), person_name("ACME LTD", "")
    ('EXAMPLOV, Ivan', 'ACME LTD')
    """
    return f"{last}, {first}" if last and first else last or first


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
    with ofac.gc_paused():
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
        links = tuple((name, ofac.resolve_link(name, index, uid)) for name in names)
        entry = XmlEntry(uid, raw, links)
        print_ = base.fingerprint(digest(raw), links)
        parsed.records.append(base.Record(uid, print_, partial(build_sdn_entry, entry)))
    parsed.warnings.extend(_regime_warnings(programs))


def _child_text(fields: Mapping[str, Any], name: str) -> str:
    child = fields.get(name)
    return "" if child is None or child.text is None else str(child.text).strip()


def _us_date(value: str | None) -> date | None:
    try:
        return datetime.strptime((value or "").strip(), "%m/%d/%Y").date()
    except ValueError:
        return None


def _xml_link_names(element: Any) -> list[str]:
    names = ofac.link_names(text(element, "remarks"))
    for id_ in element.iterfind("{*}idList/{*}id"):
        if text(id_, "idType").startswith("Linked To"):
            names.append(text(id_, "idNumber"))
    return names


def _regime_warnings(programs: set[str]) -> list[str]:
    lookup = base.RegimeLookup(SOURCE)
    for program in sorted(programs):
        lookup(program)
    return lookup.warnings()


def build_sdn_entry(entry: XmlEntry) -> list[StatementEntity]:
    """The entities of one sdnEntry (same conventions as `us_ofac.build_entry`)."""
    element = fragment(entry.data)
    kind = text(element, "sdnType").casefold()
    main = entities.make(SOURCE, SCHEMAS.get(kind, "Organization"), ofac.main_id(entry.uid))
    last, first = text(element, "lastName"), text(element, "firstName")
    ofac.apply_name(main, person_name(last, first), first, last)
    title = text(element, "title")
    if main.schema.is_a("Person"):
        main.add("position", title, origin=ofac.SDN)
    elif title:
        main.add("notes", f"Title: {title}", origin=ofac.SDN)
    _apply_akas(main, element)
    _apply_addresses(main, element)
    segments = list(_sdn_segments(element))
    parsed = remarks.parse_segments(segments)
    remarks.parse_segments(remarks.split_segments(text(element, "remarks"), None), parsed)
    others = remarks.apply_remarks(main, parsed, skip={title.rstrip(".")} if title else set())
    others += ofac.apply_links(main, parsed.links, dict(entry.links))
    tags = [p.text.strip() for p in element.iterfind("{*}programList/{*}program") if p.text]
    sanctions = ofac.make_sanctions(main, entry.uid, tags, parsed.provisions)
    return [main, *sanctions, *others]


def _apply_akas(main: StatementEntity, element: Any) -> None:
    for aka in element.iterfind("{*}akaList/{*}aka"):
        name = person_name(text(aka, "lastName"), text(aka, "firstName"))
        prop = ALIAS_PROPS.get(text(aka, "type").casefold(), "alias")
        if prop == "alias" and text(aka, "category").casefold() == "weak":
            prop = "weakAlias"
        main.add(prop, name, origin=ofac.ALT)


def _apply_addresses(main: StatementEntity, element: Any) -> None:
    for address in element.iterfind("{*}addressList/{*}address"):
        parts = [text(address, tag) for tag in ADDRESS]
        country, region = text(address, "country"), text(address, "region")
        full = ", ".join(part for part in (*parts, region, country) if part)
        if any(parts):
            main.add("address", full, origin=ofac.ADD)
        remarks.add_or_note(main, "country", country, ofac.ADD, f"Country: {country}", soft=True)


def _sdn_segments(element: Any) -> Iterator[tuple[str, str]]:
    """The entry's structured facts as statements of the Remarks mini-language."""
    sdn = ofac.SDN
    for item in element.iterfind("{*}nationalityList/{*}nationality"):
        yield f"nationality {text(item, 'country')}", sdn
    for item in element.iterfind("{*}citizenshipList/{*}citizenship"):
        yield f"citizen {text(item, 'country')}", sdn
    for item in element.iterfind("{*}dateOfBirthList/{*}dateOfBirthItem"):
        yield f"DOB {text(item, 'dateOfBirth')}", sdn
    for item in element.iterfind("{*}placeOfBirthList/{*}placeOfBirthItem"):
        yield f"POB {text(item, 'placeOfBirth')}", sdn
    for tag, label in VESSEL.items():
        value = text(element, f"vesselInfo/{tag}")
        if value:
            yield f"{label} {value}", sdn
    for id_ in element.iterfind("{*}idList/{*}id"):
        yield (
            id_segment(
                text(id_, "idType"),
                text(id_, "idNumber"),
                text(id_, "idCountry"),
                text(id_, "issueDate"),
                text(id_, "expirationDate"),
            ),
            sdn,
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


# ----- sdn_advanced.xml -----------------------------------------------------------------

Refs = dict[str, dict[str, tuple[str, dict[str, str]]]]
_ADVANCED_TAGS: tuple[str, ...] = ("DateOfIssue", "ReferenceValueSets", "Location", "IDRegDocument")
_ADVANCED_TAGS += ("DistinctParty", "ProfileRelationship", "SanctionsEntry")
_LOCATION_PARTS: tuple[str, ...] = (
    "ADDRESS1",
    "ADDRESS2",
    "ADDRESS3",
    "CITY",
    "STATE/PROVINCE",
    "POSTAL CODE",
)
_LOCATION_PARTS += ("REGION", "Unknown")


class Party(NamedTuple):
    """One DistinctParty with everything of the file that belongs to it, serialized."""

    fixed_ref: str
    party: bytes
    documents: tuple[bytes, ...]
    locations: tuple[bytes, ...]
    relations: tuple[tuple[bytes, str | None], ...]
    entries: tuple[bytes, ...]
    refs: Refs


class _Advanced:
    """The parts of an advanced file, gathered in one pass (they refer to each other by ID)."""

    def __init__(self) -> None:
        self.refs: Refs = {}
        self.refs_print = ""
        self.published: date | None = None
        self.locations: dict[str, bytes] = {}
        self.documents: dict[str, list[bytes]] = defaultdict(list)
        self.parties: list[tuple[str, bytes, list[str], list[str], set[str]]] = []
        self.relations: dict[str, list[tuple[bytes, str]]] = defaultdict(list)
        self.entries: dict[str, list[bytes]] = defaultdict(list)
        self.programs: set[str] = set()

    def add(self, element: Any) -> None:
        name, get = etree.QName(element).localname, element.get
        if name == "ReferenceValueSets":
            self.refs = _read_refs(element)
            # A changed reference value (a new programme...) changes every fingerprint: safe.
            self.refs_print = base.fingerprint(etree.tostring(element))
        elif name == "DateOfIssue":
            self.published = _iso_date(_point(element))
        elif name == "Location":
            self.locations[get("ID", "")] = etree.tostring(element)
        elif name == "IDRegDocument":
            self.documents[get("IdentityID", "")].append(etree.tostring(element))
        elif name == "ProfileRelationship":
            to = get("To-ProfileID", "")
            self.relations[get("From-ProfileID", "")].append((etree.tostring(element), to))
        elif name == "SanctionsEntry":
            self.entries[get("ProfileID", "")].append(etree.tostring(element))
            self.programs.update(_program_tags(element, self.refs))
        else:
            self.parties.append(_party_parts(element))


def _party_parts(element: Any) -> tuple[str, bytes, list[str], list[str], set[str]]:
    profiles = [p.get("ID", "") for p in element.iterfind("{*}Profile")]
    identities = [i.get("ID", "") for i in element.iterfind("{*}Profile/{*}Identity")]
    places = {v.get("LocationID", "") for v in element.iter("{*}VersionLocation")}
    return element.get("FixedRef", ""), etree.tostring(element), profiles, identities, places


def parse_advanced_xml(files: Mapping[str, bytes]) -> base.ParsedList:
    """Parse ``sdn_advanced.xml``: one record per ``DistinctParty``, keyed by its FixedRef."""
    filename = "sdn_advanced.xml"
    data = files.get(filename)
    if data is None:
        raise ParseError(filename, "file missing")
    found = _Advanced()
    with ofac.gc_paused():
        for element in iter_elements(filename, data, _ADVANCED_TAGS):
            found.add(element)
    if not found.parties:
        raise ParseError(filename, "no DistinctParty")
    owner = {profile: fixed for fixed, _, profiles, _, _ in found.parties for profile in profiles}
    parsed = base.ParsedList(SOURCE, [], found.published, COMPONENTS)
    for fixed, raw, profiles, identities, places in found.parties:
        if not fixed.isdigit():
            raise ParseError(filename, f"DistinctParty without a numeric FixedRef: {fixed!r}")
        party = Party(
            fixed,
            raw,
            tuple(doc for identity in identities for doc in found.documents.get(identity, [])),
            tuple(found.locations[place] for place in sorted(places) if place in found.locations),
            tuple(
                (rel, owner.get(to))
                for profile in profiles
                for rel, to in found.relations.get(profile, [])
            ),
            tuple(entry for profile in profiles for entry in found.entries.get(profile, [])),
            found.refs,
        )
        parts = (party.party, *party.documents, *party.locations, *party.entries)
        links = [(digest(rel), to) for rel, to in party.relations]
        print_ = base.fingerprint([digest(part) for part in parts], links, found.refs_print)
        parsed.records.append(base.Record(fixed, print_, partial(build_party, party)))
    parsed.warnings.extend(_regime_warnings(found.programs))
    return parsed


def _read_refs(element: Any) -> Refs:
    refs: Refs = {}
    for values in element:
        for value in values:
            kind = etree.QName(value).localname
            refs.setdefault(kind, {})[value.get("ID", "")] = (
                (value.text or "").strip(),
                dict(value.attrib),
            )
    return refs


def ref_text(refs: Refs, kind: str, key: str | None) -> str:
    """The text of reference value `key` of set `kind` (``""`` if absent)."""
    return refs.get(kind, {}).get(key or "", ("", {}))[0]


def _program_tags(entry: Any, refs: Refs) -> list[str]:
    return [
        text(measure, "Comment")
        for measure in entry.iterfind("{*}SanctionsMeasure")
        if ref_text(refs, "SanctionsType", measure.get("SanctionsTypeID")) == "Program"
    ]


def _point(element: Any) -> tuple[int, int, int] | None:
    if element is None:
        return None
    values = [text(element, part) for part in ("Year", "Month", "Day")]
    return (int(values[0]), int(values[1]), int(values[2])) if all(values) else None


def _iso_date(point: tuple[int, int, int] | None) -> date | None:
    try:
        return None if point is None else date(*point)
    except ValueError:
        return None


def period_dates(period: Any) -> list[str]:
    """The FtM dates of a DatePeriod: one day, or the years of a whole-year interval."""
    start = _iso_date(_point(period.find("{*}Start/{*}From")))
    end = _iso_date(_point(period.find("{*}End/{*}To"))) or start
    if start is None or end is None:
        return []
    return remarks.date_range(start.isoformat(), end.isoformat()) or [start.isoformat()]


def build_party(party: Party) -> list[StatementEntity]:
    """The entities of one DistinctParty (same conventions as `us_ofac.build_entry`)."""
    refs, element = party.refs, fragment(party.party)
    profile = element.find("{*}Profile")
    subtype = refs.get("PartySubType", {}).get(profile.get("PartySubTypeID", ""), ("", {}))
    kind = subtype[0]
    if kind in ("", "Unknown"):
        kind = ref_text(refs, "PartyType", subtype[1].get("PartyTypeID"))
    main = entities.make(
        SOURCE, SCHEMAS.get(kind.casefold(), "Organization"), ofac.main_id(party.fixed_ref)
    )
    for identity in profile.iterfind("{*}Identity"):
        _apply_identity(main, identity, refs)
    found = remarks.Remarks()
    places = {place.get("ID"): place for place in map(fragment, party.locations)}
    for feature in profile.iterfind("{*}Feature"):
        _read_feature(feature, refs, places, found)
    for doc in map(fragment, party.documents):
        found.documents.append(_document(doc, refs))
    for comment in element.iter("{*}Comment"):
        found.notes.append(((comment.text or "").strip(), ofac.SDN))
    others = remarks.apply_remarks(main, found)
    links: dict[str, StatementEntity] = {}
    for raw, target in party.relations:
        relation = fragment(raw)
        role = ref_text(refs, "RelationType", relation.get("RelationTypeID")) or "Linked To"
        if target is None:
            main.add("notes", f"{role}: profile {relation.get('To-ProfileID')}", origin=ofac.SDN)
        else:
            ofac.add_link(links, ofac.make_link(main, target, role, ofac.SDN))
    sanctions = _party_sanctions(main, party, found.provisions)
    return [main, *sanctions, *others, *links.values()]


def _apply_identity(main: StatementEntity, identity: Any, refs: Refs) -> None:
    groups = {
        group.get("ID"): ref_text(refs, "NamePartType", group.get("NamePartTypeID"))
        for group in identity.iter("{*}NamePartGroup")
    }
    for alias in identity.iterfind("{*}Alias"):
        kind = ref_text(refs, "AliasType", alias.get("AliasTypeID"))
        for name in alias.iterfind("{*}DocumentedName"):
            parts: dict[str, list[str]] = defaultdict(list)
            for value in name.iter("{*}NamePartValue"):
                parts[groups.get(value.get("NamePartGroupID"), "")].append(
                    (value.text or "").strip()
                )
            last = " ".join(parts.pop("Last Name", []))
            first = " ".join(parts.pop("First Name", []) + parts.pop("Middle Name", []))
            other = " ".join(value for values in parts.values() for value in values)
            full = person_name(last, first) if last or first else other
            if kind == "Name" and alias.get("Primary") == "true":
                ofac.apply_name(main, full, first, last)
                continue
            prop = ALIAS_PROPS.get(kind.casefold(), "alias")
            if prop == "alias" and alias.get("LowQuality") == "true":
                prop = "weakAlias"
            main.add(prop, full, origin=ofac.ALT)


def _read_feature(
    feature: Any, refs: Refs, places: Mapping[str, Any], found: remarks.Remarks
) -> None:
    kind = ref_text(refs, "FeatureType", feature.get("FeatureTypeID"))
    segments: list[tuple[str, str]] = []
    for version in feature.iterfind("{*}FeatureVersion"):
        for period in version.iterfind("{*}DatePeriod"):
            prop = remarks.DATES.get(kind)
            for value in period_dates(period):
                if prop is None:
                    found.unknown.append((f"{kind} {value}", ofac.SDN))
                else:
                    found.fact(prop, value, ofac.SDN, f"{kind} {value}")
        for ref in version.iterfind("{*}VersionLocation"):
            place, country = _location(places.get(ref.get("LocationID")), refs)
            if kind == "Location":
                _location_fact(found, place, country)
            else:
                label = "POB" if kind == "Place of Birth" else kind
                segments.append((f"{label} {place or country}", ofac.SDN))
        for detail in version.iterfind("{*}VersionDetail"):
            value = (detail.text or "").strip()
            value = value or ref_text(refs, "DetailReference", detail.get("DetailReferenceID"))
            segments.append((f"{kind} {value}", ofac.SDN))
    remarks.parse_segments(segments, found)


def _location(place: Any, refs: Refs) -> tuple[str, str]:
    """A Location as (full text with country, country name)."""
    if place is None:
        return "", ""
    parts = {
        ref_text(refs, "LocPartType", part.get("LocPartTypeID")): text(
            part, "LocationPartValue/Value"
        )
        for part in place.iterfind("{*}LocationPart")
    }
    countries = [
        ref_text(refs, "Country", c.get("CountryID")) for c in place.iterfind("{*}LocationCountry")
    ]
    country = next((c for c in countries if c), "")
    values = [parts.pop(name, "") for name in _LOCATION_PARTS] + list(parts.values())
    return ", ".join(value for value in (*values, country) if value), country


def _location_fact(found: remarks.Remarks, place: str, country: str) -> None:
    if place != country:  # a country alone is no address
        found.fact("address", place, ofac.ADD, f"Address: {place}")
    found.fact("country", country, ofac.ADD, f"Address country: {country}", soft=True)


def _document(doc: Any, refs: Refs) -> remarks.Document:
    dates: dict[str, list[str]] = {}
    for when in doc.iterfind("{*}DocumentDate"):
        kind = ref_text(refs, "IDRegDocDateType", when.get("IDRegDocDateTypeID"))
        period = when.find("{*}DatePeriod")
        dates[kind] = [] if period is None else period_dates(period)
    issued_by = doc.get("IssuedBy-CountryID")
    return remarks.make_document(
        ref_text(refs, "IDRegDocType", doc.get("IDRegDocTypeID")),
        text(doc, "IDRegistrationNo"),
        ref_text(refs, "Country", issued_by) if issued_by else None,
        (dates.get("Issue Date", []), dates.get("Expiration Date", [])),
        ofac.SDN,
    )


def _party_sanctions(
    main: StatementEntity, party: Party, provisions: list[tuple[str, str]]
) -> list[StatementEntity]:
    refs, tags = party.refs, []
    events: dict[str, list[tuple[str, str]]] = defaultdict(list)  # program -> (date, basis)
    extra = list(provisions)
    for entry in map(fragment, party.entries):
        tags += _program_tags(entry, refs)
        for measure in entry.iterfind("{*}SanctionsMeasure"):
            kind = ref_text(refs, "SanctionsType", measure.get("SanctionsTypeID"))
            if kind != "Program":
                extra.append((" - ".join(filter(None, (kind, text(measure, "Comment")))), ofac.SDN))
        for event in entry.iterfind("{*}EntryEvent"):
            day = _iso_date(_point(event.find("{*}Date")))
            basis = refs.get("LegalBasis", {}).get(event.get("LegalBasisID", ""), ("", {}))
            program = ref_text(refs, "SanctionsProgram", basis[1].get("SanctionsProgramID"))
            events[program].append((day.isoformat() if day else "", basis[0]))
    sanctions = ofac.make_sanctions(main, party.fixed_ref, tags, extra)
    for sanction in sanctions:
        for tag in sanction.get("program"):
            # An event without a legal basis dates every programme of the entry.
            for listed, reason in events.get(tag) or events.get("", []):
                sanction.add("listingDate", listed, origin=ofac.SDN)
                sanction.add("reason", reason, origin=ofac.SDN)
    return sanctions
