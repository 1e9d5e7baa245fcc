"""Tests of the UN Security Council Consolidated List parser on the real files of the mirror.

Hand-made inputs are only the hostile XML files in ``handmade/un-sc-*`` (an entity bomb and
external entities) and a few bytes of garbage: no real file shows those.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from followthemoney import StatementEntity, model
from hypothesis import given, settings
from hypothesis import strategies as st

from concord.errors import ParseError
from concord.model.regimes import registry as regimes
from concord.sources.base import ParsedList
from concord.sources.un_sc import FILENAME, birth_dates, parse_xml
from tests.conftest import BAD, MIRROR, read_file

HANDMADE = Path(__file__).parent / "handmade"
CONTROL_CHARS = BAD / "un-sc-2025-08-16-control-chars.xml"
LIST_TYPES = {
    "Al-Qaida": "UN-SCISIL",
    "Taliban": "UN-SC1988",
    "DPRK": "UN-SC1718",
    "Iraq": "UN-SC1518",
    "Libya": "UN-SC1970",
    "DRC": "UN-SC1533",
    "Sudan": "UN-SC1591",
    "GB": "UN-SC2048",
    "Somalia": "UN-SC2713",
    "Iran": "UN-SC1737",
    "Yemen": "UN-SC2140",
    "SouthSudan": "UN-SC2206",
    "CAR": "UN-SC2127",
    "Haiti": "UN-SC2653",
}


@cache
def raw(day: str) -> bytes:
    return read_file(MIRROR / "un-sc" / day / FILENAME)


@cache
def parsed(day: str) -> ParsedList:
    return parse_xml({FILENAME: raw(day)})


@cache
def built(day: str) -> dict[str, list[StatementEntity]]:
    return {r.local_id: r.build() for r in parsed(day).records}


# -- counts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "people", "organizations"), [("2025-04-19", 684, 193), ("2026-02-27", 730, 273)]
)
def test_counts_match_provenance(day: str, people: int, organizations: int) -> None:
    result = parsed(day)
    assert result.source == "un-sc"
    assert result.published == date.fromisoformat(day)  # dateGenerated
    assert result.components == frozenset({"consolidated"})
    assert result.warnings == []  # every list type known, every element known
    assert len(result.records) == people + organizations
    assert len({r.local_id for r in result.records}) == people + organizations
    schemata = Counter(entities[0].schema.name for entities in built(day).values())
    assert schemata == {"Person": people, "Organization": organizations}


@pytest.mark.parametrize("day", ["2025-04-19", "2026-02-27"])
def test_list_types_map_to_regimes(day: str) -> None:
    in_file = Counter(re.findall(rb"<UN_LIST_TYPE>([^<]*)<", raw(day)))
    sanctions = Counter(
        (s.get("program")[0], s.get("programId")[0])
        for entities in built(day).values()
        for s in entities
        if s.schema.name == "Sanction"
    )
    assert sum(sanctions.values()) == len(parsed(day).records)  # one Sanction per entry
    for label, count in in_file.items():
        key = LIST_TYPES[label.decode()]
        assert sanctions[(label.decode(), key)] == count
        regime = regimes().get(key)
        assert regime is not None and regime.jurisdiction == "UN"
        assert regimes().lookup("un-sc", label.decode()) is regime
    assert ("Iran" in {k for k, _ in sanctions}) == (day == "2026-02-27")


# -- spot checks (values read off the files) --------------------------------------------


def test_spot_check_taliban_individual() -> None:
    person, sanction = built("2025-04-19")["110447"]
    assert person.id == "un-sc-110447"
    assert person.get("name") == ["MUHAMMAD TAHER ANWARI"]
    assert person.get("firstName") == ["MUHAMMAD"] and person.get("secondName") == ["TAHER"]
    assert "محمد طاهر أنوري" in person.get("alias")  # NAME_ORIGINAL_SCRIPT
    assert "Mohammad Taher Anwari" in person.get("alias")  # QUALITY Good
    assert person.get("weakAlias") == ["Haji Mudir"]  # QUALITY Low
    assert person.get("title") == ["Mullah"]
    assert person.get("birthDate") == ["1961"]
    assert person.get("birthPlace") == ["Zurmat District, Paktia Province, Afghanistan"]
    assert person.get("nationality") == ["af"]
    assert sanction.get("program") == ["Taliban"] and sanction.get("programId") == ["UN-SC1988"]
    assert sanction.get("unscId") == ["TAi.005"]
    assert sanction.get("listingDate") == ["2001-02-23"]
    assert "Belongs to Andar tribe" in sanction.get("reason")[0]
    assert sanction.get("entity") == [person.id]


def test_spot_check_drc_individual_with_year_range() -> None:
    person, sanction = built("2026-02-27")["6908021"]
    assert person.get("name") == ["BOSCO TAGANDA"]
    assert person.get("gender") == ["male"]
    assert sorted(person.get("birthDate")) == ["1973", "1974"]  # FROM_YEAR 1973, TO_YEAR 1974
    assert {"Terminator", "Tango Romeo"} <= set(person.get("weakAlias"))
    assert "Lydia: When he was part of APR." in person.get("notes")
    assert person.get("address") == ["Belgium"]
    assert sanction.get("unscId") == ["CDi.030"]
    assert sanction.get("listingDate") == ["2005-11-01"]
    assert sorted(sanction.get("modifiedAt")) == ["2016-10-13", "2020-08-19", "2023-03-01"]


def test_spot_check_listing_date_with_time_zone() -> None:
    assert b"<LISTED_ON>2015-04-07-04:00</LISTED_ON>" in raw("2026-02-27")
    person, sanction = built("2026-02-27")["6908452"]
    assert person.get("name") == ["MAULANA FAZLULLAH"]
    assert person.get("weakAlias") == ["Mullah Radio"]
    assert sanction.get("programId") == ["UN-SCISIL"]
    assert sanction.get("unscId") == ["QDi.352"]
    assert sanction.get("listingDate") == ["2015-04-07"]


def test_spot_check_documents() -> None:
    person, sanction, *documents = built("2026-02-27")["690728"]
    assert person.get("name") == ["NOURREDINE ADAM"]
    assert sorted(person.get("nationality")) == ["cf", "sd"]
    assert sorted(person.get("passportNumber")) == ["D00001184", "P04838205"]
    assert person.get("idNumber") == ["20227088368"]
    assert sanction.get("programId") == ["UN-SC2127"]
    kinds = sorted((d.schema.name, d.get("number")[0]) for d in documents)
    assert kinds == [
        ("Identification", "20227088368"),
        ("Passport", "D00001184"),
        ("Passport", "P04838205"),
    ]
    issued = next(d for d in documents if d.get("number") == ["P04838205"])
    assert issued.get("startDate") == ["2018-06-10"]
    assert all(d.get("holder") == [person.id] for d in documents)


def test_spot_check_entity() -> None:
    organization, sanction = built("2026-02-27")["690735"]
    assert organization.schema.name == "Organization"
    assert organization.get("name") == ["KOREA MINING DEVELOPMENT TRADING CORPORATION"]
    assert "CHANGGWANG SINYONG CORPORATION" in organization.get("alias")  # a.k.a.
    assert organization.get("address") == [
        "Central District, Pyongyang, Democratic People's Republic of Korea"
    ]
    assert organization.get("country") == ["kp"]
    assert sanction.get("unscId") == ["KPe.001"]
    assert sanction.get("listingDate") == ["2009-04-24"]


def test_spot_check_iran_list_of_2026() -> None:
    person, sanction = built("2026-02-27")["110446"]
    assert person.get("name") == ["FEREIDOUN ABBASI-DAVANI"]
    assert sorted(person.get("birthDate")) == ["1958", "1959"]
    assert person.get("birthCountry") == ["ir"]
    assert sanction.get("programId") == ["UN-SC1737"]
    assert sanction.get("listingDate") == ["2007-03-24"]


@pytest.mark.parametrize("day", ["2025-04-19", "2026-02-27"])
def test_every_entity_is_valid_ftm(day: str) -> None:
    for entities in built(day).values():
        for entity in entities:
            data = entity.to_dict()
            proxy = model.get_proxy(data, cleaned=False)
            for prop, values in data["properties"].items():
                prop_ = proxy.schema.get(prop)
                assert prop_ is not None, prop
                assert all(prop_.type.clean(v) is not None for v in values), (prop, values)


def test_fingerprints_stable_across_reformatting() -> None:
    # The two snapshots indent differently; records whose content is the same match.
    old = {r.local_id: r.fingerprint for r in parsed("2025-04-19").records}
    new = {r.local_id: r.fingerprint for r in parsed("2026-02-27").records}
    same = [k for k in old if k in new and old[k] == new[k]]
    assert len(same) > 500
    assert parse_xml({FILENAME: raw("2026-02-27")}).records[0].fingerprint == new["6907993"]


# -- refusals ---------------------------------------------------------------------------


def test_control_characters_are_refused_not_repaired() -> None:
    data = CONTROL_CHARS.read_bytes()
    assert data.count(b"\x19") == 465  # on 342 lines (PROVENANCE counts the lines)
    with pytest.raises(ParseError) as caught:
        parse_xml({FILENAME: data})
    assert caught.value.filename == FILENAME
    assert caught.value.reason.startswith("control characters not allowed in XML")
    assert "0x19" in caught.value.reason and "line 53" in caught.value.reason


@pytest.mark.parametrize("name", ["un-sc-entity-bomb.xml", "un-sc-external-entity.xml"])
def test_hostile_xml_is_refused_unexpanded(name: str) -> None:
    data = (HANDMADE / name).read_bytes()  # hand-made: no real file is hostile
    with pytest.raises(ParseError, match="DOCTYPE/entity declarations are not allowed"):
        parse_xml({FILENAME: data})


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        ({FILENAME: b"  \n"}, "file is empty"),
        ({FILENAME: b"<CONSOLIDATED_LIST><INDIVIDUALS>"}, "truncated or malformed XML"),
        ({FILENAME: b"<export/>"}, "not a UN consolidated list"),
        ({FILENAME: b"<CONSOLIDATED_LIST/>"}, "no INDIVIDUAL or ENTITY"),
        ({"other.xml": b"<x/>"}, "consolidated.xml missing"),
        (
            {FILENAME: b"<CONSOLIDATED_LIST><ENTITIES><ENTITY/></ENTITIES></CONSOLIDATED_LIST>"},
            "ENTITY without DATAID",
        ),
    ],
)
def test_bad_inputs_are_refused(files: dict[str, bytes], reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_xml(files)


def test_unknown_list_types_and_elements_are_warned() -> None:
    # hand-made: every real file is fully known
    data = (
        b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID>"
        b"<FIRST_NAME>A</FIRST_NAME><UN_LIST_TYPE>Atlantis</UN_LIST_TYPE><SHOE_SIZE>9</SHOE_SIZE>"
        b"</INDIVIDUAL></INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>"
    )
    result = parse_xml({FILENAME: data})
    assert result.warnings == [
        "unknown regime string 'Atlantis'",
        "unexpected XML element SHOE_SIZE",
    ]
    _, sanction = result.entities()
    assert sanction.get("program") == ["Atlantis"] and sanction.get("programId") == []


# -- the birth-date normalizer ----------------------------------------------------------

DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31))


@settings(deadline=None)
@given(DATES)
def test_birth_dates_exact(day: date) -> None:
    assert birth_dates({"TYPE_OF_DATE": "EXACT", "DATE": day.isoformat()}) == [day.isoformat()]
    assert birth_dates({"TYPE_OF_DATE": "EXACT", "YEAR": str(day.year)}) == [str(day.year)]


@settings(deadline=None)
@given(DATES, st.sampled_from(["%b.", "%B", "%b"]))
def test_birth_dates_month_notes(day: date, style: str) -> None:
    month = day.strftime(style)
    expected = [f"{day.year}-{day.month:02d}"]
    assert birth_dates({"YEAR": str(day.year), "NOTE": month}) == expected
    assert birth_dates({"NOTE": f"{month} {day.year} "}) == expected


@settings(deadline=None)
@given(st.integers(1900, 2010), st.integers(0, 30), st.sampled_from(["", "Approximately"]))
def test_birth_dates_between(start: int, span: int, note: str) -> None:
    element = {"TYPE_OF_DATE": "BETWEEN", "FROM_YEAR": str(start), "TO_YEAR": str(start + span)}
    years = birth_dates({**element, "NOTE": note})
    if span <= 20:
        assert years == [str(y) for y in range(start, start + span + 1)]
    else:
        assert years == [str(start), str(start + span)]


@settings(deadline=None)
@given(st.text(max_size=40))
def test_birth_dates_never_fail_on_notes(note: str) -> None:
    for value in birth_dates({"TYPE_OF_DATE": "EXACT", "NOTE": note}):
        assert re.fullmatch(r"\d{4}-\d{2}", value)
