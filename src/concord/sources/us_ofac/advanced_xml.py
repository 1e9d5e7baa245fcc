"""US OFAC SDN list as ``sdn_advanced.xml``, the UN-style "Advanced Sanctions Data Model".

It gives the same entries as the legacy file set and is read into the same entities (see
`concord.sources.us_ofac`): the entry key is the party's ``FixedRef``, equal to the file
set's ``ent_num``. Feature types are labels of the Remarks mini-language and are read by the
same rules. Unlike the other formats it dates designations: a Sanction's ``listingDate`` is
the entry event of its programme's legal basis.

Hostile XML (a DOCTYPE: entity expansion, external entities) is refused.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from functools import partial
from typing import Any, NamedTuple

from followthemoney import StatementEntity
from lxml import etree

from concord.errors import ParseError
from concord.model import entities
from concord.sources import base
from concord.sources.us_ofac import remarks
from concord.sources.us_ofac.build import (
    add_link,
    apply_name,
    apply_remarks,
    make_link,
    make_sanctions,
)
from concord.sources.us_ofac.common import (
    ADD,
    ALT,
    SDN,
    SOURCE,
    gc_paused,
    main_id,
    regime_warnings,
)
from concord.sources.us_ofac.vocabulary import DATES
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
    with gc_paused():
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
    parsed.warnings.extend(regime_warnings(found.programs))
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
    """The entities of one DistinctParty (same conventions as `csv_entry.build_entry`)."""
    refs, element = party.refs, fragment(party.party)
    profile = element.find("{*}Profile")
    subtype = refs.get("PartySubType", {}).get(profile.get("PartySubTypeID", ""), ("", {}))
    kind = subtype[0]
    if kind in ("", "Unknown"):
        kind = ref_text(refs, "PartyType", subtype[1].get("PartyTypeID"))
    main = entities.make(
        SOURCE, SCHEMAS.get(kind.casefold(), "Organization"), main_id(party.fixed_ref)
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
        found.notes.append(((comment.text or "").strip(), SDN))
    others = apply_remarks(main, found)
    links: dict[str, StatementEntity] = {}
    for raw, target in party.relations:
        relation = fragment(raw)
        role = ref_text(refs, "RelationType", relation.get("RelationTypeID")) or "Linked To"
        if target is None:
            main.add("notes", f"{role}: profile {relation.get('To-ProfileID')}", origin=SDN)
        else:
            add_link(links, make_link(main, target, role, SDN))
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
                apply_name(main, full, first, last)
                continue
            prop = ALIAS_PROPS.get(kind.casefold(), "alias")
            if prop == "alias" and alias.get("LowQuality") == "true":
                prop = "weakAlias"
            main.add(prop, full, origin=ALT)


def _read_feature(
    feature: Any, refs: Refs, places: Mapping[str, Any], found: remarks.Remarks
) -> None:
    kind = ref_text(refs, "FeatureType", feature.get("FeatureTypeID"))
    segments: list[tuple[str, str]] = []
    for version in feature.iterfind("{*}FeatureVersion"):
        for period in version.iterfind("{*}DatePeriod"):
            prop = DATES.get(kind)
            for value in period_dates(period):
                if prop is None:
                    found.unknown.append((f"{kind} {value}", SDN))
                else:
                    found.fact(prop, value, SDN, f"{kind} {value}")
        for ref in version.iterfind("{*}VersionLocation"):
            place, country = _location(places.get(ref.get("LocationID")), refs)
            if kind == "Location":
                _location_fact(found, place, country)
            else:
                label = "POB" if kind == "Place of Birth" else kind
                segments.append((f"{label} {place or country}", SDN))
        for detail in version.iterfind("{*}VersionDetail"):
            value = (detail.text or "").strip()
            value = value or ref_text(refs, "DetailReference", detail.get("DetailReferenceID"))
            segments.append((f"{kind} {value}", SDN))
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
        found.fact("address", place, ADD, f"Address: {place}")
    found.fact("country", country, ADD, f"Address country: {country}", soft=True)


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
        SDN,
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
                extra.append((" - ".join(filter(None, (kind, text(measure, "Comment")))), SDN))
        for event in entry.iterfind("{*}EntryEvent"):
            day = _iso_date(_point(event.find("{*}Date")))
            basis = refs.get("LegalBasis", {}).get(event.get("LegalBasisID", ""), ("", {}))
            program = ref_text(refs, "SanctionsProgram", basis[1].get("SanctionsProgramID"))
            events[program].append((day.isoformat() if day else "", basis[0]))
    sanctions = make_sanctions(main, party.fixed_ref, tags, extra)
    for sanction in sanctions:
        for tag in sanction.get("program"):
            # An event without a legal basis dates every programme of the entry.
            for listed, reason in events.get(tag) or events.get("", []):
                sanction.add("listingDate", listed, origin=SDN)
                sanction.add("reason", reason, origin=SDN)
    return sanctions
