"""Tests of the US OFAC XML parsers: ``sdn.xml`` and ``sdn_advanced.xml``.

Hand-made: no real file of either format is in the mirror. ``handmade/us-ofac-sdn.xml`` and
``handmade/us-ofac-sdn-advanced.xml`` hold the same three invented entries (a GLOMAG/MAGNIT
person with aliases, birth facts, nationality and a passport; an entity; a vessel with an IMO
number); each test first validates them against the official XSD in the shared schemas
folder. Hostile XML (entity expansion, external entities) is hand-made too.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import pytest
from followthemoney import StatementEntity, model
from lxml import etree

from concord.errors import ParseError
from concord.sources import us_ofac
from concord.sources import us_ofac as us_ofac_xml
from concord.sources.base import ParsedList
from tests.conftest import SCHEMAS

HANDMADE = Path(__file__).parent / "handmade"
SDN_XML = HANDMADE / "us-ofac-sdn.xml"
ADVANCED_XML = HANDMADE / "us-ofac-sdn-advanced.xml"
FORMATS = {
    "sdn": ("sdn.xml", SDN_XML, SCHEMAS / "us-ofac" / "OFAC_sdn_xml.xsd"),
    "advanced": (
        "sdn_advanced.xml",
        ADVANCED_XML,
        SCHEMAS / "us-ofac" / "sdn_advanced_namespace.xsd",
    ),
}
PARSERS = {"sdn": us_ofac_xml.parse_sdn_xml, "advanced": us_ofac_xml.parse_advanced_xml}


@cache
def xsd(kind: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(FORMATS[kind][2])))


@cache
def parsed(kind: str) -> ParsedList:
    """The hand-made file of `kind`, validated against the official XSD, then parsed."""
    filename, path, _ = FORMATS[kind]
    schema = xsd(kind)
    assert schema.validate(etree.parse(str(path))), schema.error_log
    return PARSERS[kind]({filename: path.read_bytes()})


@cache
def built(kind: str) -> dict[str, list[StatementEntity]]:
    return {record.local_id: record.build() for record in parsed(kind).records}


def props(entity: StatementEntity) -> dict[str, list[str]]:
    return {prop: sorted(values) for prop, values in entity.to_dict()["properties"].items()}


def of_schema(kind: str, local_id: str, schema: str) -> list[StatementEntity]:
    return [e for e in built(kind)[local_id] if e.schema.name == schema]


@pytest.mark.parametrize("kind", ["sdn", "advanced"])
def test_handmade_files_are_valid_against_the_official_xsd(kind: str) -> None:
    schema = xsd(kind)
    assert schema.validate(etree.parse(str(FORMATS[kind][1]))), schema.error_log


@pytest.mark.parametrize("kind", ["sdn", "advanced"])
def test_records_follow_the_csv_conventions(kind: str) -> None:
    result = parsed(kind)
    assert [r.local_id for r in result.records] == ["90001", "90002", "90003"]
    assert result.published == date(2024, 5, 3) and result.warnings == []
    assert result.components == {"sdn", "add", "alt", "comments"}
    for record in result.records:
        entities = record.build()
        assert entities[0].id == us_ofac.main_id(record.local_id)
        assert len({e.id for e in entities}) == len(entities)
        for entity in entities:
            proxy = model.get_proxy(entity.to_dict(), cleaned=False)
            for prop in proxy.iterprops():
                for value in proxy.get(prop):
                    assert prop.type.clean(value, proxy=proxy) is not None, (prop, value)
            assert all(s.origin in result.components for s in entity.statements if s.prop != "id")


@pytest.mark.parametrize("kind", ["sdn", "advanced"])
def test_glomag_person(kind: str) -> None:
    person = built(kind)["90001"][0]
    assert person.schema.name == "Person"
    expected = {
        "name": ["EXAMPLOV, Ivan Petrovich"],
        "lastName": ["EXAMPLOV"],
        "firstName": ["Ivan Petrovich"],
        "alias": ["EKSAMPLOV, Ivan"],
        "weakAlias": ["VANYA"],
        "birthDate": ["1965-04-29", "1966"],
        "birthPlace": ["Moscow, Russia"],
        "birthCountry": ["ru"],
        "nationality": ["ru"],
        "citizenship": ["ru"],
        "gender": ["male"],
        "address": ["Moscow, Russia"],
        "country": ["ru"],
        "passportNumber": ["7212345"],
    }
    got = props(person)
    assert got.pop("position", ["Head of the Example Penal Colony"]) == [
        "Head of the Example Penal Colony"
    ]
    assert got == expected
    assert {s.origin for s in person.statements if s.prop in ("alias", "weakAlias")} == {"alt"}
    assert {s.origin for s in person.statements if s.prop == "address"} == {"add"}
    (passport,) = of_schema(kind, "90001", "Passport")
    assert props(passport) == {
        "holder": ["us-ofac-90001"],
        "number": ["7212345"],
        "type": ["Passport"],
        "country": ["ru"],
        "startDate": ["2015-01-01"],
        "endDate": ["2025-01-01"],
    }
    sanctions = {s.get("programId")[0]: s for s in of_schema(kind, "90001", "Sanction")}
    assert set(sanctions) == {"US-GLOMAG", "US-MAGNITSKY"}
    assert sanctions["US-GLOMAG"].id == "us-ofac-90001-sanction-us-glomag"
    assert sanctions["US-GLOMAG"].get("authorityId") == ["90001"]


def test_only_the_advanced_file_dates_designations() -> None:
    sanctions = {s.get("program")[0]: s for s in of_schema("advanced", "90001", "Sanction")}
    assert sanctions["GLOMAG"].get("listingDate") == ["2020-07-20"]
    assert sanctions["GLOMAG"].get("reason") == ["Executive Order 13818 (GLOMAG)"]
    assert sanctions["MAGNIT"].get("listingDate") == ["2017-12-20"]
    (iran,) = of_schema("advanced", "90003", "Sanction")
    assert iran.get("listingDate") == ["2021-06-01"]  # an event without legal basis
    assert all(not s.get("listingDate") for s in of_schema("sdn", "90001", "Sanction"))


@pytest.mark.parametrize("kind", ["sdn", "advanced"])
def test_entity_with_address_registration_and_link(kind: str) -> None:
    entity = built(kind)["90002"][0]
    assert props(entity) == {
        "name": ["EXAMPLE TRADING LLC"],
        "previousName": ["EXAMPLE GENERAL TRADING"],
        "address": ["1 Example Street, Dubai, United Arab Emirates"],
        "country": ["ae"],
        "website": ["http://www.example.com/"],
        "registrationNumber": ["12345"],
    }
    (registration,) = of_schema(kind, "90002", "Identification")
    assert registration.get("country") == ["ae"]
    (sanction,) = of_schema(kind, "90002", "Sanction")
    assert sanction.get("provisions") == [
        "Additional Sanctions Information - Subject to Secondary Sanctions"
    ]
    (link,) = of_schema(kind, "90002", "UnknownLink")
    assert link.get("object") == ["us-ofac-90001"]
    assert link.get("role") == (["Linked To"] if kind == "sdn" else ["Associate Of"])


@pytest.mark.parametrize("kind", ["sdn", "advanced"])
def test_vessel_with_imo(kind: str) -> None:
    vessel = built(kind)["90003"][0]
    assert vessel.schema.name == "Vessel"
    got = props(vessel)
    assert got.pop("tonnage", ["150000"]) == ["150000"]
    assert got.pop("grossRegisteredTonnage", ["81000"]) == ["81000"]
    assert got == {
        "name": ["EXAMPLE STAR"],
        "callSign": ["3EXA7"],
        "type": ["Crude Oil Tanker"],
        "flag": ["pa"],
        "imoNumber": ["IMO9123453"],
        "mmsi": ["123456789"],
        "notes": ["Vessel Owner: EXAMPLE TRADING LLC"],
    }
    (link,) = of_schema(kind, "90003", "UnknownLink")
    assert link.get("object") == ["us-ofac-90002"]


def test_fingerprints_see_content_not_indentation() -> None:
    data = SDN_XML.read_bytes()
    flat = etree.tostring(etree.fromstring(data, etree.XMLParser(remove_blank_text=True)))
    changed = data.replace(b"7212345", b"7212346")
    prints = [
        [r.fingerprint for r in us_ofac_xml.parse_sdn_xml({"sdn.xml": d}).records]
        for d in (data, flat, changed)
    ]
    assert prints[0] == prints[1]
    assert prints[0][0] != prints[2][0] and prints[0][1:] == prints[2][1:]


def test_unknown_programmes_are_warned() -> None:
    data = SDN_XML.read_bytes().replace(b"<program>SDGT</program>", b"<program>NEW</program>")
    result = us_ofac_xml.parse_sdn_xml({"sdn.xml": data})
    assert result.warnings == ["unknown regime string 'NEW'"]
    (sanction,) = [e for e in result.records[1].build() if e.schema.name == "Sanction"]
    assert sanction.get("program") == ["NEW"] and not sanction.get("programId")


LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE sdnList [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<sdnList><sdnEntry><uid>1</uid><lastName>&d;</lastName></sdnEntry></sdnList>
"""
EXTERNAL = b"""<?xml version="1.0"?>
<!-- a comment first -->
<!DOCTYPE Sanctions [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<Sanctions><DistinctParties><DistinctParty FixedRef="1">&secret;</DistinctParty>
</DistinctParties></Sanctions>
"""


# A DOCTYPE hidden behind a comment that looks like the root element.
DECOY = LAUGHS.replace(b"<!DOCTYPE", b"<!-- <sdnList> -->\n<!DOCTYPE")


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("sdn", LAUGHS),
        ("advanced", EXTERNAL),
        ("sdn", EXTERNAL),
        ("advanced", LAUGHS),
        ("sdn", DECOY),
    ],
)
def test_hostile_xml_is_refused(kind: str, data: bytes) -> None:
    # hand-made hostile input: an entity bomb and an external entity
    filename = FORMATS[kind][0]
    with pytest.raises(ParseError) as caught:
        PARSERS[kind]({filename: data})
    assert caught.value.filename == filename
    assert "DOCTYPE" in caught.value.reason


@pytest.mark.parametrize(
    ("kind", "data", "reason"),
    [  # hand-made: malformed inputs
        ("sdn", b"", "empty"),
        ("sdn", SDN_XML.read_bytes()[:900], "malformed or truncated"),
        ("advanced", ADVANCED_XML.read_bytes()[:3000], "malformed or truncated"),
        ("sdn", b"<sdnList><publshInformation/></sdnList>", "no sdnEntry"),
        ("sdn", b"<sdnList><sdnEntry><uid>x</uid></sdnEntry></sdnList>", "numeric uid"),
        ("advanced", b"<Sanctions/>", "no DistinctParty"),
        ("advanced", b'<Sanctions><DistinctParty FixedRef="a"/></Sanctions>', "FixedRef"),
    ],
)
def test_malformed_xml_is_refused(kind: str, data: bytes, reason: str) -> None:
    filename = FORMATS[kind][0]
    with pytest.raises(ParseError) as caught:
        PARSERS[kind]({filename: data})
    assert caught.value.filename == filename and reason in caught.value.reason


@pytest.mark.parametrize("kind", ["sdn", "advanced"])
def test_missing_file_is_refused(kind: str) -> None:
    with pytest.raises(ParseError) as caught:
        PARSERS[kind]({"other.xml": b"<x/>"})
    assert caught.value.filename == FORMATS[kind][0]
