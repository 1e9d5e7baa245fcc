"""Tests of the EU Financial Sanctions Files parser.

The mirror holds one real FSF file, and it is truncated mid-element
(``bad/eu-fsf-2022-03-18-truncated.xml``): `parse_xml` must refuse it, `iter_entries` must
stream its 1044 complete entries first. Its complete part, closed in memory, stands in for a
whole real file. Hand-made inputs (``handmade/eu-fsf-*``): one complete, XSD-valid file with
three EU human-rights designations (hand-made: no complete real file in the mirror) and the
hostile XML no real file shows.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from followthemoney import StatementEntity, model
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from concord.errors import ParseError
from concord.model.regimes import registry as regimes
from concord.sources.base import ParsedList
from concord.sources.eu_fsf import birth_dates, iter_entries, listing_date_in, parse_xml
from tests.conftest import BAD, REFERENCE, SCHEMAS

HANDMADE = Path(__file__).parent / "handmade"
TRUNCATED = BAD / "eu-fsf-2022-03-18-truncated.xml"
HR_FILE = HANDMADE / "eu-fsf-hr-handmade.xml"
XSD = SCHEMAS / "eu-fsf" / "EU_20171012-FULL-schema-1_1_xsd.xsd"
PROGRAMMES = {"AFG", "BLR", "COD", "GIN", "IRN", "IRQ", "LBY", "PRK", "SDN", "SOM", "SYR"}
PROGRAMMES |= {"TAQA", "TERR", "TUN"}


@cache
def truncated() -> bytes:
    return TRUNCATED.read_bytes()


@cache
def closed() -> ParsedList:
    """The truncated file's complete entries, closed in memory into a well-formed file."""
    data = truncated()
    end = data.rindex(b"</sanctionEntity>") + len(b"</sanctionEntity>")
    return parse_xml({"export.xml": data[:end] + b"\n</export>\n"})


@cache
def built() -> dict[str, list[StatementEntity]]:
    return {r.local_id: r.build() for r in closed().records}


def _sanction(local_id: str) -> StatementEntity:
    (sanction,) = [e for e in built()[local_id] if e.schema.name == "Sanction"]
    return sanction


# -- the real, truncated file -----------------------------------------------------------


def test_truncated_file_is_refused_as_a_whole() -> None:
    with pytest.raises(ParseError) as caught:
        parse_xml({TRUNCATED.name: truncated()})
    assert caught.value.filename == TRUNCATED.name
    assert caught.value.reason.startswith("truncated or malformed XML at line 28198")
    assert "\n" not in str(caught.value)


def test_iter_entries_streams_the_complete_entries_then_refuses() -> None:
    records = []
    with pytest.raises(ParseError, match="truncated or malformed XML at line 28198"):
        records.extend(iter_entries(truncated(), filename=TRUNCATED.name))
    # 1044 complete sanctionEntity elements; 20 entries are under two regulations (AFG and
    # TAQA), each as two adjacent elements with one logicalId: 1024 entries.
    assert truncated().count(b"</sanctionEntity>") == 1044
    assert len(records) == 1024 == len({r.local_id for r in records})
    sanctions = [e for b in built().values() for e in b if e.schema.name == "Sanction"]
    assert len(sanctions) == 1044  # one per sanctionEntity (each names one regulation)
    assert [r.local_id for r in records[:3]] == ["13", "20", "23"]
    assert records[-1].local_id == "6973"  # the last complete entry
    assert b'logicalId="6974"' in truncated()  # the entry the file is cut in...
    assert "6974" not in {r.local_id for r in records}  # ...is not yielded
    whole = {r.local_id: r.fingerprint for r in closed().records}
    assert {r.local_id: r.fingerprint for r in records} == whole


def test_closed_file_counts_and_facts() -> None:
    result = closed()
    assert result.source == "eu-fsf"
    assert len(result.records) == 1024
    assert result.published == date(2022, 3, 18)  # generationDate 2022-03-18T14:52:26
    assert result.components == frozenset({"fsf"})
    assert result.warnings == []  # every programme is a known regime, every field known
    schemata = Counter(b[0].schema.name for b in built().values())
    assert schemata == {"Person": 696, "Organization": 328}
    two = [k for k, b in built().items() if sum(e.schema.name == "Sanction" for e in b) == 2]
    assert len(two) == 20
    assert all({s.get("program")[0] for s in built()[k][1:3]} == {"AFG", "TAQA"} for k in two)


def test_every_programme_maps_to_a_regime() -> None:
    codes = set(re.findall(rb'programme="([A-Z]+)"', truncated()))
    assert {c.decode() for c in codes} == PROGRAMMES
    for code in PROGRAMMES:
        regime = regimes().lookup("eu-fsf", code)
        assert regime is not None and regime.jurisdiction == "EU", code
    assert regimes().lookup("eu-fsf", "HR").key == "EU-HR"
    assert regimes().lookup("eu-fsf", "TAQA").key == "EU-TAQA-EUAQ"
    keys = {s.get("programId")[0] for b in built().values() for s in b if s.schema.is_a("Sanction")}
    assert "EU-IRN" in keys and "EU-TERR" in keys and len(keys) == 14


def test_spot_check_saddam_hussein() -> None:
    assert b'logicalId="13"' in truncated()
    person, sanction = built()["13"]
    assert person.id == "eu-fsf-13"
    assert person.get("name") == ["Saddam Hussein Al-Tikriti"]
    assert sorted(person.get("alias")) == ["Abou Ali", "Abu Ali"]
    assert person.get("firstName") == ["Saddam"]
    assert person.get("lastName") == ["Hussein Al-Tikriti"]
    assert person.get("birthDate") == ["1937-04-28"]
    assert person.get("birthPlace") == ["al-Awja, near Tikrit, Iraq"]
    assert person.get("nationality") == ["iq"] and person.get("gender") == ["male"]
    assert sanction.get("program") == ["IRQ"] and sanction.get("programId") == ["EU-IRQ"]
    assert sanction.get("listingDate") == ["2003-07-08"]  # 1210/2003, published 2003-07-08
    assert sanction.get("authorityId") == ["EU.27.28"]
    assert sanction.get("reason") == ["UNSC RESOLUTION 1483"]
    assert sanction.get("entity") == [person.id]


def test_spot_check_two_birth_years_and_a_french_alias() -> None:
    person = built()["20"][0]
    assert person.get("name") == ["Qusay Saddam Hussein Al-Tikriti"]  # untranslated name
    assert person.get("alias") == ["Qoussaï Saddam Hussein Al-Tikriti"]  # nameLanguage FR
    assert sorted(person.get("birthDate")) == ["1965", "1966"]
    assert person.get("position") == [
        "Oversaw Special Republican Guard, Special Security Organisation, and Republican Guard"
    ]


def test_spot_check_designation_date_beats_a_later_amendment() -> None:
    organization, sanction = built()["485"]
    assert organization.schema.name == "Organization"
    assert organization.get("name") == ["Al Wafa"]
    assert sanction.get("programId") == ["EU-TAQA-EUAQ"]
    # designationDate="2001-10-06"; the regulation named is amendment 2020/1297 (2020-09-17)
    assert sanction.get("listingDate") == ["2001-10-06"]
    assert sanction.get("startDate") == ["2001-10-06"]
    assert sanction.get("description") == ["amendment 2020/1297 (OJ L303I)"]


def test_spot_check_entry_under_two_regulations() -> None:
    # logicalId 516: an AFG element (designationDate 2001-01-31, regulation 2017/404) and a
    # TAQA element (no designationDate; regulation 220/2008, a name citing 969/2007).
    assert truncated().count(b'<sanctionEntity designationDate="2001-01-31"') >= 1
    person, afg, taqa = built()["516"]
    assert person.get("name") == ["Sayed Ghiasuddin Sayed Ghousuddin"]
    assert {"Sayed Ghias", "Sayyed Ghiassouddine Agha"} <= set(person.get("alias"))
    # birthdate yearRangeFrom="1958" yearRangeTo="1963" circa="true"
    assert sorted(person.get("birthDate")) == [str(y) for y in range(1958, 1964)]
    assert afg.get("programId") == ["EU-AFG"] and taqa.get("programId") == ["EU-TAQA-EUAQ"]
    assert afg.get("listingDate") == ["2001-01-31"] == afg.get("startDate")
    assert afg.get("description") == ["amendment 2017/404 (OJ L63)"]
    assert taqa.get("listingDate") == ["2007-08-18"]
    assert taqa.get("startDate") == []
    assert afg.get("authorityId") == taqa.get("authorityId") == ["EU.472.57"]
    assert "Belongs to Sadat ethnic group" in afg.get("reason")[0]
    assert taqa.get("reason") == []


def test_spot_check_listing_remark_and_documents() -> None:
    person, sanction, *documents = built()["1068"]
    assert person.get("name") == ["Yazid Sufaat"]
    assert sanction.get("listingDate") == ["2003-09-09"]  # remark "Date of listing: 09/09/2003"
    assert person.get("passportNumber") == ["A 10472263"]
    assert person.get("idNumber") == ["640120-01-5529"]
    kinds = sorted((d.schema.name, d.get("number")[0]) for d in documents)
    assert kinds == [("Identification", "640120-01-5529"), ("Passport", "A 10472263")]
    assert all(d.get("holder") == [person.id] for d in documents)


def test_spot_check_bank_with_contacts_and_partial_birth_date() -> None:
    bank = built()["6611"][0]
    assert bank.get("name") == ["Commercial Bank of Syria"]  # first alias is Swedish
    assert bank.get("swiftBic") == ["CMSYSYDA"]
    assert "dir.cbs@mail.sy" in bank.get("email")
    assert _sanction("6611").get("listingDate") == ["2011-10-14"]  # 1011/2011 cited
    larijani = built()["6971"][0]
    assert larijani.get("name") == ["Sadeq LARIJANI"]
    assert sorted(larijani.get("birthDate")) == ["1960", "1961-08"]
    assert _sanction("6971").get("listingDate") == ["2012-03-23"]


def test_every_entity_is_valid_ftm() -> None:
    for entities in built().values():
        assert entities[0].schema.is_a("LegalEntity")
        assert entities[1].schema.name == "Sanction"
        for entity in entities:
            proxy = model.get_proxy(entity.to_dict(), cleaned=False)
            for prop, values in entity.to_dict()["properties"].items():
                assert proxy.schema.get(prop) is not None, prop
                for value in values:
                    assert proxy.schema.get(prop).type.clean(value) is not None, (prop, value)


def test_fingerprints_ignore_indentation_and_see_content() -> None:
    data = truncated()
    end = data.rindex(b"</sanctionEntity>") + len(b"</sanctionEntity>")
    whole = data[:end] + b"</export>"
    base = {r.local_id: r.fingerprint for r in parse_xml({"a.xml": whole}).records}
    flat = re.sub(rb">\s+<", b"><", whole)
    assert {r.local_id: r.fingerprint for r in parse_xml({"a.xml": flat}).records} == base
    assert whole.count(b'wholeName="Al Wafa"') == 1
    renamed = whole.replace(b'wholeName="Al Wafa"', b'wholeName="Al Wafaa"')
    after = {r.local_id: r.fingerprint for r in parse_xml({"a.xml": renamed}).records}
    assert [k for k in base if after[k] != base[k]] == ["485"]


# -- hand-made complete file (no complete real FSF file in the mirror) ------------------


def _journal_dates() -> dict[str, date]:
    """Names of Annex I to Reg. 2020/1998 -> listing date (as "2.3.2021"/"2 March 2021")."""
    out = {}
    path = REFERENCE / "eu-journal-2020-1998" / "32020R1998.csv"
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            text = row["startDate"].replace(" March ", ".3.")
            day, month, year = (int(p) for p in text.split("."))
            out[row["name"]] = date(year, month, day)
    return out


def test_handmade_hr_file_is_schema_valid() -> None:
    schema = etree.XMLSchema(file=str(XSD))
    document = etree.parse(str(HR_FILE))
    schema.assertValid(document)


def test_handmade_hr_file_listing_dates_match_the_official_journal() -> None:
    result = parse_xml({"whatever-name.xml": HR_FILE.read_bytes()})
    assert result.published == date(2024, 5, 2)
    assert result.warnings == []
    assert [r.local_id for r in result.records] == ["900101", "900102", "900103"]
    journal = _journal_dates()
    seen = 0
    for record in result.records:
        main, sanction, *_ = record.build()
        (name,) = main.get("name")
        assert sanction.get("programId") == ["EU-HR"]
        assert regimes().get("EU-HR").magnitsky
        assert sanction.get("listingDate") == [journal[name].isoformat()], name
        seen += 1
    assert seen == 3


def test_handmade_hr_entities() -> None:
    entities = parse_xml({"x.xml": HR_FILE.read_bytes()}).entities()
    kalashnikov, sanction, tax_id, bastrykin, _, bureau, bureau_sanction = entities
    assert kalashnikov.get("alias") == ["Aлександр Петрович КАЛАШНИКОВ"]
    assert kalashnikov.get("birthDate") == ["1964-01-27"]
    assert kalashnikov.get("taxNumber") == ["771670606787"]
    assert tax_id.get("holder") == [kalashnikov.id]
    assert sanction.get("startDate") == ["2021-03-02"]
    assert bastrykin.get("birthPlace") == ["Pskov, Russia"]
    assert bureau.schema.name == "Organization"
    assert bureau.get("address") == [
        "106 Guangming Road, Urumqi, Xinjiang Uyghur Autonomous Region (XUAR), China"
    ]
    assert bureau.get("phone") == ["+869915988114"]
    assert bureau_sanction.get("reason") == ["Date of listing: 22.3.2021."]


def test_unknown_programmes_and_fields_are_warned() -> None:
    # hand-made: the real file's programmes and fields are all known
    data = HR_FILE.read_bytes().replace(b'programme="HR"', b'programme="ATL"', 1)
    data = data.replace(b'circa="false"', b'circa="false" shoeSize="9"', 1)
    result = parse_xml({"x.xml": data})
    assert result.warnings == [
        "unknown regime string 'ATL'",
        "unexpected XML field birthdate@shoeSize",
    ]
    sanction = result.records[0].build()[1]
    assert sanction.get("program") == ["ATL"] and sanction.get("programId") == []


# -- refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["eu-fsf-entity-bomb.xml", "eu-fsf-external-entity.xml"])
def test_hostile_xml_is_refused_unexpanded(name: str) -> None:
    data = (HANDMADE / name).read_bytes()  # hand-made: no real file is hostile
    with pytest.raises(ParseError, match="DOCTYPE/entity declarations are not allowed"):
        parse_xml({name: data})
    with pytest.raises(ParseError, match="DOCTYPE"):
        list(iter_entries(data, filename=name))


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        ({"a.xml": b""}, "file is empty"),
        ({"a.xml": b"<other/>"}, "not an EU FSF export"),
        ({"a.csv": b"x"}, "expected one .xml file"),
        ({"a.xml": b"<a/>", "b.xml": b"<b/>"}, "expected one .xml file"),
        (
            {"a.xml": b'<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="x"/>'},
            "bad generationDate",
        ),
    ],
)
def test_bad_inputs_are_refused(files: dict[str, bytes], reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_xml(files)


# -- normalizers ------------------------------------------------------------------------

DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))


@settings(deadline=None)
@given(DATES, st.sampled_from(["{d}.{m}.{y}", "{d:02d}.{m:02d}.{y}", "{d:02d}/{m:02d}/{y}"]))
def test_listing_date_in_reads_day_month_year(day: date, style: str) -> None:
    text = style.format(d=day.day, m=day.month, y=day.year)
    assert listing_date_in(f"Some remark. Date of listing: {text}.") == day.isoformat()
    assert listing_date_in(f"date of designation {text}") == day.isoformat()
    assert listing_date_in(f"Date of listing: {day.isoformat()}") == day.isoformat()
    assert listing_date_in(f"Date of UN designation: {text}") is None


@settings(deadline=None)
@given(st.text(max_size=60))
def test_listing_date_in_never_fails(text: str) -> None:
    result = listing_date_in(text)
    assert result is None or date.fromisoformat(result)


@settings(deadline=None)
@given(DATES, st.booleans(), st.booleans())
def test_birth_dates_from_parts(day: date, with_month: bool, with_day: bool) -> None:
    parts = {"calendarType": "GREGORIAN", "year": str(day.year)}
    expected = str(day.year)
    if with_month:
        parts["monthOfYear"] = str(day.month)
        expected += f"-{day.month:02d}"
        if with_day:
            parts["dayOfMonth"] = str(day.day)
            expected += f"-{day.day:02d}"
    assert birth_dates(parts) == [expected]
    assert birth_dates({**parts, "birthdate": day.isoformat()}) == [day.isoformat()]


@settings(deadline=None)
@given(st.integers(1900, 2020), st.integers(0, 30))
def test_birth_dates_year_ranges(start: int, span: int) -> None:
    years = birth_dates({"yearRangeFrom": str(start), "yearRangeTo": str(start + span)})
    if span <= 20:
        assert years == [str(y) for y in range(start, start + span + 1)]
    else:
        assert years == [str(start), str(start + span)]
