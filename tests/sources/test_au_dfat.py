"""Tests of the Australian DFAT parser on the real files of the mirror.

Hand-made inputs: a few bytes of garbage and one small workbook made in memory to show an
unknown column and category (no real file has those).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from functools import cache
from io import BytesIO

import openpyxl
import pytest
from followthemoney import StatementEntity, model, registry
from hypothesis import given
from hypothesis import strategies as st

from concord.errors import ParseError
from concord.sources.au_dfat import XLS, XLSX, base_reference, parse_xls, parse_xlsx
from concord.sources.au_dfat.sheets import xls_rows, xlsx_rows
from concord.sources.au_dfat.text import birth_dates, countries, items, listing_date
from concord.sources.base import ParsedList
from tests.conftest import MIRROR, read_file

NEW, OLD = MIRROR / "au-dfat" / "2024-12-17" / XLSX, MIRROR / "au-dfat" / "2022-05-05" / XLS


@cache
def new() -> ParsedList:
    return parse_xlsx({XLSX: read_file(NEW)})


@cache
def old() -> ParsedList:
    return parse_xls({XLS: read_file(OLD)})


@cache
def new_rows() -> list[tuple[str, ...]]:
    return xlsx_rows(XLSX, read_file(NEW))


@cache
def built(which: str) -> dict[str, list[StatementEntity]]:
    parsed = new() if which == "new" else old()
    return {r.local_id: r.build() for r in parsed.records}


def _props(entity: StatementEntity) -> dict[str, list[str]]:
    props: dict[str, list[str]] = entity.to_dict()["properties"]
    return {k: sorted(v) for k, v in props.items()}


def _programs(which: str) -> Counter[str]:
    return Counter(s.first("programId") or "" for es in built(which).values() for s in es[1:])


# -- counts -------------------------------------------------------------------------------


def test_counts_2024() -> None:
    assert sum(any(c.strip() for c in row) for row in new_rows()[1:]) == 9553
    assert len(new().records) == 3062  # primary-name entries
    assert len({r.local_id for r in new().records}) == 3062
    assert new().warnings == []
    assert new().components == frozenset({"consolidated"})
    programs = _programs("new")
    assert (programs["AU-HUMAN"], programs["AU-CRP"], programs["AU-CYB"]) == (103, 14, 5)
    assert "" not in programs  # every Committees string maps to a known regime


def test_counts_2022() -> None:
    rows = xls_rows(XLS, read_file(OLD))
    assert len(rows) - 1 == 7945
    assert len(old().records) == 2666
    assert old().warnings == []
    programs = _programs("old")
    assert programs["AU-THEMATIC"] == 39
    assert programs["AU-HUMAN"] == programs["AU-CRP"] == 0
    assert "" not in programs


def test_committee_spellings_of_the_real_file() -> None:
    """The 2024 file spells the thematic regimes with stray spaces and an en dash."""
    labels = Counter(row[10] for row in new_rows()[1:] if "Thematic" in row[10])
    assert set(labels) == {
        "Autonomous (Thematic - Human Rights)",
        "Autonomous (Thematic - Human Rights) ",
        "Autonomous (Thematic \u2013 Corruption)",
        "Autonomous (Thematic - Cyber)",
        "Autonomous (Thematic - Cyber)  ",
    }
    sanction = built("new")["6855"][1]
    assert sanction.first("program") == "Autonomous (Thematic \u2013 Corruption)"


# -- spot checks, field by field ----------------------------------------------------------


def test_un_listed_person_with_aliases() -> None:
    person, sanction = built("new")["2"]
    assert person.id == "au-dfat-2"
    assert person.schema.name == "Person"
    props = _props(person)
    assert props["name"] == ["MOHAMMAD HASSAN AKHUND"]
    assert props["alias"] == ["محمد حسن أخوند"]  # the "2a" Original Script row
    assert props["birthDate"] == [str(y) for y in [*range(1945, 1951), *range(1955, 1959)]]
    assert props["birthPlace"] == [
        "Pashmul village, Panjwai District, Kandahar Province, Afghanistan"
    ]
    assert props["nationality"] == ["af"]
    assert props["notes"][0].startswith("Title: a) Mullah b) Haji.")
    assert _props(sanction) == {
        "entity": ["au-dfat-2"],
        "program": ["1988 (Taliban)"],
        "programId": ["AU-UNSC1988"],
        "programUrl": ["https://www.un.org/securitycouncil/sanctions/1988"],
        "country": ["au"],
        "authorityId": ["2"],
        "summary": [
            "Listed by UN 1267 Committee on 25 January 2001 (amended on 20 December 2005, "
            "9 July 2007 and 21 Sep 2007, 29 Nov. 2011)"
        ],
        "listingDate": ["2001-01-25"],
        "modifiedAt": ["2014-12-15"],
    }
    assert _props(built("old")["2"][0]) == props  # the .xls of 2022 reads the same


def test_thematic_listing_changes_label_between_files() -> None:
    """Klyuev: "Autonomous (Thematic)" in 2022, "Thematic – Corruption" in 2024."""
    for which, key in (("old", "AU-THEMATIC"), ("new", "AU-CRP")):
        person, sanction = built(which)["6855"]
        assert _props(person) == {
            "name": ["Dmitry Vladislavovich KLYUEV"],
            "birthDate": ["1967-08-10"],
            "birthPlace": ["Moscow, Russia"],
        }
        assert sanction.first("programId") == key
        assert sanction.first("listingDate") == "2022"  # only the instrument's year
        assert sanction.first("modifiedAt") == "2022-03-30"
    assert built("new")["6854"][1].first("programId") == "AU-HUMAN"  # Bastrykin


def test_cyber_listing() -> None:
    person, sanction = built("new")["7832"]
    assert person.first("name") == "Aleksandr Gennadievich ERMAKOV"
    assert sorted(person.get("alias")) == [
        "Alexander ERMAKOV",
        "GustaveDore",
        "aiiis_ermak",
        "blade_runner",
    ]
    assert person.get("birthDate") == ["1990-05-16"]
    assert person.get("nationality") == ["ru"]
    assert sanction.first("programId") == "AU-CYB"
    assert sanction.first("modifiedAt") == "2024-01-22"


def test_two_committees_of_one_regime_make_one_sanction() -> None:
    entities = built("new")["1297"]
    assert [e.schema.name for e in entities] == ["Person", "Sanction"]
    assert sorted(entities[1].get("program")) == ["1970 (Libya)", "1973 (Libya)"]
    assert entities[1].first("listingDate") == "2011-06-24"


def test_entity_and_alias_rows() -> None:
    org, sanction = built("new")["1250"]
    assert org.schema.name == "Organization"
    assert sorted(org.get("alias")) == ["LFIC", "Libyan Foreign Investment Company"]
    assert sanction.first("listingDate") == "2011-03-17"
    person = built("new")["1276"][0]  # 1276c1..c4: alias rows with a letter and a number
    assert "Shaykh Yunis the Mauritanian" in person.get("alias")


def test_all_entities_are_valid_ftm() -> None:
    for which in ("old", "new"):
        ids: Counter[str] = Counter()
        for entities in built(which).values():
            for entity in entities:
                ids[entity.id or ""] += 1
                model.get_proxy(entity.to_dict(), cleaned=False)
                for prop_name, values in entity.to_dict()["properties"].items():
                    prop = entity.schema.get(prop_name)
                    assert prop is not None
                    for value in values:
                        assert prop.type.clean(value, format=prop.format) is not None, value
        assert max(ids.values()) == 1


def test_fingerprints_are_stable() -> None:
    again = parse_xls({XLS: read_file(OLD)})
    assert [r.fingerprint for r in again.records] == [r.fingerprint for r in old().records]
    assert len({r.fingerprint for r in again.records}) == 2666


# -- refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"  \n", b"hello world" * 50])
def test_empty_and_garbage_are_refused(data: bytes) -> None:
    with pytest.raises(ParseError, match=f"^{XLS}: "):
        parse_xls({XLS: data})
    with pytest.raises(ParseError, match=f"^{XLSX}: "):
        parse_xlsx({XLSX: data})


def test_truncated_and_swapped_files_are_refused() -> None:
    xls, xlsx = read_file(OLD), read_file(NEW)
    with pytest.raises(ParseError, match=r"not a readable \.xls workbook"):
        parse_xls({XLS: xls[: len(xls) // 2]})
    with pytest.raises(ParseError, match=r"not a readable \.xlsx workbook"):
        parse_xlsx({XLSX: xlsx[:-100]})
    # A workbook saved under the other extension is read by its content (calamine sniffs it).
    assert len(parse_xls({XLS: xlsx}).records) == len(parse_xlsx({XLSX: xlsx}).records)
    assert len(parse_xlsx({XLSX: xls}).records) == len(parse_xls({XLS: xls}).records)
    with pytest.raises(ParseError, match="file missing"):
        parse_xlsx({XLS: xls})


def test_wrong_layout_is_refused() -> None:
    ofsi = read_file(MIRROR / "gb-ofsi" / "2025-04-14" / "ConList.xlsx")
    with pytest.raises(ParseError, match="not the Consolidated List layout"):
        parse_xlsx({XLSX: ofsi})


def _workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_unknown_columns_and_categories_are_reported() -> None:
    header = ["Reference", "Name of Individual or Entity", "Type", "Name Type", "Committees"]
    data = _workbook(  # hand-made: no real file has an unknown column or category
        [
            [*header, "Shoe Size"],
            [1, "Jane DOE", "Individual", "Primary Name", "Autonomous (Atlantis)", 9],
            ["1a", "J. DOE", "Individual", "Nickname", "Autonomous (Atlantis)", 9],
            ["1x", "Doe Holdings", "Company", "Primary Name", "Autonomous (Atlantis)", 9],
        ]
    )
    result = parse_xlsx({XLSX: data})
    assert result.warnings == [
        "unknown regime string 'Autonomous (Atlantis)'",
        "unexpected column 'Shoe Size'",
        "unknown Name Type 'Nickname'",
        "unknown Type 'Company'",
        "Reference 1 has 2 primary names",
    ]
    person = result.records[0].build()[0]
    assert sorted(person.get("name")) == ["Doe Holdings", "Jane DOE"]
    assert person.get("alias") == ["J. DOE"]
    bad = _workbook([["Reference", *header[1:]], ["x1", "A", "Entity", "aka", "Mali"]])
    with pytest.raises(ParseError, match="row 2: Reference 'x1'"):
        parse_xlsx({XLSX: bad})


# -- normalizers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("a) Approximately 1955- 1958 b) 1960", ["1955", "1956", "1957", "1958", "1960"]),
        ("19/03/1967; alt DOB: 19/11/1956", ["1967-03-19", "1956-11-19"]),
        ("a) 19 Apr. 1982  c) 24/06/1402 (Hijri Calendar)", ["1982-04-19"]),
        ("a) 1/01/1968 b) 23-Apr-68", ["1968-01-01", "1968-04-23"]),
        ("Between Aug. and Sep 1977", ["1977-08", "1977-09"]),
        ("30 December 1960  or 13 December 1960", ["1960-12-30", "1960-12-13"]),
        ("1951-06-19", ["1951-06-19"]),
        ("Approximately (30-35 years old)", []),
        ("31/02/1970", []),
    ],
)
def test_birth_dates(text: str, dates: list[str]) -> None:
    assert birth_dates(text) == dates


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Listed on: 17 Aug. 2017 (Relisted on 3 Aug. 2020 and 2 Aug. 2023)", "2017-08-17"),
        (
            "Designated under the Autonomous Sanctions Regulations 2011 on 2 March 2012.",
            "2012-03-02",
        ),
        (
            "Listed pursuant to paragraph 43(a) of resolution 2093 (2013). Listed on: 18/02/2022",
            "2022-02-18",
        ),
        (
            "The Minister for Foreign Affairs listed this entity on 21 December 2001 under",
            "2001-12-21",
        ),
        (
            "Instrument of first listing: (...) List 2001 (No. 2). Last listed on: 16/09/2022",
            "2001",
        ),
        ("Assets received on or after 23 May 2003 are not controlled assets", None),
    ],
)
def test_listing_date(text: str, day: str | None) -> None:
    assert listing_date(text) == day


def test_items_and_countries() -> None:
    assert items("a) Tehran, Iran b) Qom, Iran") == ["Tehran, Iran", "Qom, Iran"]
    assert items("na") == []
    assert countries("Turkish/Jordanian") == (["tr", "jo"], [])
    assert countries("a) Iraqi b) Syrian") == (["iq", "sy"], [])


@given(st.text(max_size=80))
def test_birth_dates_are_valid_ftm_dates(text: str) -> None:
    for value in birth_dates(text):
        assert registry.date.clean(value) == value and "1800" <= value[:4] <= "2100"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_birth_dates_read_day_first_and_iso(day: date) -> None:
    assert birth_dates(f"{day.day}/{day.month:02d}/{day.year}") == [day.isoformat()]
    assert birth_dates(day.strftime("%d %b. %Y")) == [day.isoformat()]
    assert birth_dates(day.isoformat()) == [day.isoformat()]


@given(st.text(max_size=120))
def test_listing_date_is_a_date_or_none(text: str) -> None:
    value = listing_date(text)
    assert value is None or registry.date.clean(value) == value


@given(st.integers(1, 99999), st.sampled_from(["", "a", "b", "c1", "ab", "aa2"]))
def test_base_reference(number: int, suffix: str) -> None:
    assert base_reference(f"{number}{suffix}") == str(number)
    assert base_reference(f"{number}.0") == str(number)
