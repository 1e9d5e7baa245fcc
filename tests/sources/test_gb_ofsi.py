"""Tests of the OFSI ConList parser on the four real ``ConList.xlsx`` files of the mirror.

Hand-made inputs (each test says so): ``handmade/gb-ofsi-conlist.csv`` (no real
``ConList.csv`` is in the mirror; fictional targets, official layout), workbooks built in
memory from it, and hostile bytes (garbage, truncation, entity bomb, external entity).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path

import openpyxl
import pytest
from followthemoney import StatementEntity, model, registry
from hypothesis import given
from hypothesis import strategies as st

from concord.errors import ParseError
from concord.model.regimes import registry as regimes
from concord.sources.base import ParsedList
from concord.sources.gb_common import (
    country_code,
    full_name,
    read_csv,
    read_xlsx,
    split_numbered,
    uk_date,
    uk_dates,
)
from concord.sources.gb_ofsi import (
    COLUMNS,
    UKSL_PREFIXES,
    parse_csv,
    parse_other_information,
    parse_xlsx,
    split_rows,
)
from tests.conftest import MIRROR, read_file

FILENAME = "conlist.xlsx"
HANDMADE = Path(__file__).parent / "handmade" / "gb-ofsi-conlist.csv"
# PROVENANCE.md: targets (unique Group ID) and name rows per snapshot.
COUNTS = {
    "2022-05-04": (3430, 15261),
    "2023-06-05": (3993, 16823),
    "2025-04-10": (4686, 18796),
    "2025-04-14": (4688, 18798),
}
# Group IDs with a "Global Human Rights" / "Global Anti-Corruption" row, as the files say.
# PROVENANCE.md gives GHR 73 / 83 / 135 / 135: it leaves out the 8 Belarus-listed targets
# (13918..13925) that also carry GHR rows (refs "BEL00xx and GHR00xx").
MAGNITSKY = {
    "2022-05-04": (81, 27),
    "2023-06-05": (91, 35),
    "2025-04-10": (143, 66),
    "2025-04-14": (143, 66),
}
LATEST = "2025-04-14"


@cache
def rows(day: str) -> list[list[str]]:
    data = read_file(MIRROR / "gb-ofsi" / day / "ConList.xlsx")
    return read_xlsx(FILENAME, data)


@cache
def parsed(day: str) -> ParsedList:
    return split_rows(FILENAME, rows(day))


@cache
def built(day: str, gid: str) -> tuple[StatementEntity, ...]:
    record = next(r for r in parsed(day).records if r.local_id == gid)
    return tuple(record.build())


@cache
def data_rows(day: str) -> tuple[dict[str, str], ...]:
    header = rows(day)[1]
    return tuple(dict(zip(header, row, strict=True)) for row in rows(day)[2:] if any(row))


def props(entity: StatementEntity) -> dict[str, list[str]]:
    return {k: sorted(v) for k, v in entity.to_dict()["properties"].items()}


def sanction(entities: tuple[StatementEntity, ...], key: str) -> dict[str, list[str]]:
    found = [props(e) for e in entities if e.schema.name == "Sanction"]
    return next(p for p in found if p.get("programId") == [key])


def assert_valid(entity: StatementEntity) -> None:
    """FtM reads the entity back: every property exists and no value is dropped as invalid."""
    data = entity.to_dict()
    proxy = model.get_proxy(data, cleaned=False)
    for prop, values in data["properties"].items():
        assert proxy.schema.get(prop) is not None, (entity.id, prop)
        assert len(proxy.get(prop)) == len(values), (entity.id, prop, values)


@pytest.mark.parametrize("day", sorted(COUNTS))
def test_counts_match_provenance(day: str) -> None:
    targets, name_rows = COUNTS[day]
    result = parsed(day)
    assert len(result.records) == targets
    assert len(data_rows(day)) == name_rows
    assert [r.local_id for r in result.records] == list(dict.fromkeys(
        row["Group ID"] for row in data_rows(day)
    ))  # fmt: skip
    assert result.published == date.fromisoformat(day)
    assert result.components == frozenset({"conlist"})
    assert result.warnings == [], "every Regime string maps to a registry regime"


@pytest.mark.parametrize("day", sorted(MAGNITSKY))
def test_magnitsky_targets(day: str) -> None:
    ghr, gac = MAGNITSKY[day]
    for label, key, expected in (
        ("Global Human Rights", "GB-HR", ghr),
        ("Global Anti-Corruption", "GB-AC", gac),
    ):
        gids = {row["Group ID"] for row in data_rows(day) if row["Regime"] == label}
        assert len(gids) == expected
        for gid in gids:
            entities = built(day, gid)
            sanctions = [e for e in entities if e.schema.name == "Sanction"]
            assert key in {s.first("programId") for s in sanctions}
            for entity in entities:
                assert_valid(entity)


def test_sample_of_latest_builds_valid_entities() -> None:
    """Every 16th record of the latest file (building all 4,688 takes ~5 s more)."""
    records = parsed(LATEST).records[::16]
    schemas: Counter[str] = Counter()
    for record in records:
        entities = record.build()
        assert entities[0].id == f"gb-ofsi-{record.local_id}"
        assert len({e.id for e in entities}) == len(entities), "entity ids are unique"
        assert all(e.schema.name == "Sanction" for e in entities[1:]) and len(entities) > 1
        schemas.update(e.schema.name for e in entities)
        for entity in entities:
            assert_valid(entity)
    assert set(schemas) == {"Person", "Organization", "Vessel", "Sanction"}


def test_every_regime_string_is_registered() -> None:
    labels = {row["Regime"] for day in COUNTS for row in data_rows(day)}
    assert len(labels) == 32
    for label in labels:
        regime = regimes().lookup("gb-ofsi", label)
        assert regime is not None and regime.key.startswith("GB-"), label
    assert set(UKSL_PREFIXES.values()) <= set(regimes().regimes)


def test_split_rows_of_the_largest_file() -> None:
    result = split_rows(FILENAME, rows(LATEST))
    assert len(result.records) == 4688


def test_ghr_person_with_two_regimes() -> None:
    """Viktor LUKASHENKO (Group ID 13919): Belarus and Global Human Rights, one ref each."""
    entities = built(LATEST, "13919")
    person = props(entities[0])
    assert entities[0].schema.name == "Person" and entities[0].id == "gb-ofsi-13919"
    assert person["name"] == ["Viktor Aliaksandravich LUKASHENKO"]
    assert person["lastName"] == ["LUKASHENKO"] and person["firstName"] == ["Viktor"]
    assert "ЛУКАШЕНКО, Виктор Александрович" in person["alias"]
    assert person["birthDate"] == ["1975-11-28"]
    assert person["birthPlace"] == ["Mohilev/Mogilev/Mahiliou"]
    assert person["birthCountry"] == ["by"] and person["nationality"] == ["by"]
    assert person["gender"] == ["male"]
    assert "former National Security Advisor to the President" in person["position"]
    assert any("Son of the President" in note for note in person["notes"])
    ghr, blr = sanction(entities, "GB-HR"), sanction(entities, "GB-BLR")
    assert ghr["authorityId"] == ["GHR0051"] and blr["authorityId"] == ["BEL0047"]
    assert ghr["recordId"] == ["13919"] and ghr["program"] == ["Global Human Rights"]
    assert ghr["listingDate"] == ["2020-09-29"] and ghr["startDate"] == ["2020-09-29"]
    assert blr["listingDate"] == ["2020-11-06"] and blr["startDate"] == ["2020-12-31"]
    assert ghr["modifiedAt"] == ["2022-04-13"]
    assert ghr["reason"][0].startswith("Viktor Lukashenko is the former National Security")
    assert len(entities) == 3


def test_ghr_person_with_statement_of_reasons() -> None:
    """Mian Abdul HAQ (Group ID 15672, GHR0086), designated 9 December 2022."""
    entities = built(LATEST, "15672")
    person = props(entities[0])
    assert person["name"] == ["Mian Abdul HAQ"] and person["title"] == ["Mr"]
    assert {"Mian MITHOO", "Mian MITHU"} <= set(person["alias"])
    assert person["nationality"] == ["pk"] and person["birthCountry"] == ["pk"]
    assert person["position"] == ["Cleric (“Pir”) of Bharchundi Sharif Shrine"]
    assert person["address"] == ["Hafizabad Taluka Daharki, District Ghotki, Pakistan"]
    ghr = sanction(entities, "GB-HR")
    assert ghr["authorityId"] == ["GHR0086"] and ghr["listingDate"] == ["2022-12-09"]
    assert ghr["reason"][0].startswith("Mian Abdul HAQ is a cleric")
    assert "(Gender)" not in ghr["reason"][0]


def test_gac_entity() -> None:
    """EVRAZIA (Group ID 16846, GAC0072), listed 2 April 2025."""
    entities = built(LATEST, "16846")
    org = props(entities[0])
    assert entities[0].schema.name == "Organization"
    assert org["name"] == ["EVRAZIA"] and "EURASIA" in org["alias"]
    assert org["address"] == ["Krasnoproletarskaya Street 7, office 4/P, Moscow, 127006, Russia"]
    assert org["country"] == ["ru"] and org["website"] == ["http://evrazia.su/"]
    assert "INN: 9707028663" in org["registrationNumber"]
    gac = sanction(entities, "GB-AC")
    assert gac["authorityId"] == ["GAC0072"] and gac["startDate"] == ["2025-04-02"]
    assert "Ilan Shor" in gac["reason"][0]


def test_ship() -> None:
    """CHON MA SAN (Group ID 13656, DPR0105): a UN-listed tanker."""
    entities = built(LATEST, "13656")
    ship = props(entities[0])
    assert entities[0].schema.name == "Vessel"
    assert ship["name"] == ["CHON MA SAN"] and ship["alias"] == ["GO MAL SAN 4"]
    assert ship["imoNumber"] == ["8660313"] and ship["flag"] == ["kp"]
    assert ship["type"] == ["Oil tanker"] and ship["tonnage"] == ["2808"]
    assert ship["buildDate"] == ["2005"]
    assert "Current owners: Korea Achim Shipping Co" in ship["notes"]
    dprk = sanction(entities, "GB-DPRK")
    assert dprk["authorityId"] == ["DPR0105"]
    assert dprk["listingDate"] == ["2018-04-03"] and dprk["startDate"] == ["2018-03-30"]


def test_partial_dates_of_birth() -> None:
    assert "1994" in props(built(LATEST, "13378")[0])["birthDate"]  # 00/00/1994
    assert props(built(LATEST, "13754")[0])["birthDate"] == ["1962-09"]  # 09/1962


def test_refs_follow_their_regime() -> None:
    # 2023: "IHR0061, INU0011 and SYR0161" -> one ref per regime.
    old = built("2023-06-05", "10638")
    assert sanction(old, "GB-IRAN")["authorityId"] == ["IHR0061"]
    assert sanction(old, "GB-IRAN-NW")["authorityId"] == ["INU0011"]
    assert sanction(old, "GB-SYR")["authorityId"] == ["SYR0161"]
    # 2025: only IRN0058 is given; the other two regimes get no (wrong) ref.
    new = built(LATEST, "10638")
    assert sanction(new, "GB-IRAN")["authorityId"] == ["IRN0058"]
    assert "authorityId" not in sanction(new, "GB-SYR")
    # 15878 has no UK Sanctions List Ref at all.
    assert "authorityId" not in sanction(built(LATEST, "15878"), "GB-HR")


def test_handmade_csv() -> None:
    """Hand-made: no real file in the mirror (ConList.csv layout, fictional targets)."""
    result = parse_csv({"conlist.csv": HANDMADE.read_bytes()})
    assert result.published == date(2025, 4, 14) and result.warnings == []
    assert [r.local_id for r in result.records] == ["99101", "99102", "99103"]
    entities = tuple(result.entities())
    for entity in entities:
        assert_valid(entity)
    person = props(entities[0])
    assert person["name"] == ["Maria Ivanovna EXAMPLOVA"]
    assert person["alias"] == ["Mariya EKZAMPLOVA", "Мария Ивановна Экзамплова"]
    assert person["weakAlias"] == ["MASHA"] and person["birthDate"] == ["1980-06"]
    assert person["nationality"] == ["by", "ru"]
    assert person["passportNumber"] == ["7512345678", "7598765432"]
    org = [e for e in entities if e.id == "gb-ofsi-99102"]
    assert sanction(tuple(entities), "GB-AC")["authorityId"] == ["GAC9102"]
    assert sanction(tuple(entities), "GB-RUS")["listingDate"] == ["2022-03-15"]
    assert props(org[0])["phone"] == ["+35722000000", "+35722000001"]
    ship = props(next(e for e in entities if e.schema.name == "Vessel"))
    assert ship["pastFlags"] == ["km", "pa"] and ship["imoNumber"] == ["9000003"]
    assert sanction(tuple(entities), "GB-DPRK")["unscId"] == ["KPe.901"]


def _workbook(table: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    for row in table:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_and_csv_agree() -> None:
    """Hand-made: a workbook holding the hand-made CSV's cells gives the same records."""
    table = read_csv("conlist.csv", HANDMADE.read_bytes())
    from_xlsx = parse_xlsx({FILENAME: _workbook(table)})
    from_csv = parse_csv({"conlist.csv": HANDMADE.read_bytes()})
    assert [r.fingerprint for r in from_xlsx.records] == [r.fingerprint for r in from_csv.records]
    assert from_xlsx.published == from_csv.published


def test_fingerprint_changes_with_content() -> None:
    table = read_csv("conlist.csv", HANDMADE.read_bytes())
    before = split_rows("conlist.csv", table).records
    table[2][COLUMNS.index("DOB")] = "01/06/1980"
    after = split_rows("conlist.csv", table).records
    assert before[0].fingerprint != after[0].fingerprint
    assert before[1].fingerprint == after[1].fingerprint


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02garbage\xff\xfe" * 50, r"not a readable \.xlsx workbook"),
        (b"PK\x03\x04" + b"\x00" * 100, r"not a readable \.xlsx workbook"),
    ],
)
def test_xlsx_refuses_bad_bytes(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_xlsx({FILENAME: data})


def test_xlsx_refuses_truncated_file() -> None:
    data = read_file(MIRROR / "gb-ofsi" / "2022-05-04" / "ConList.xlsx")
    with pytest.raises(ParseError, match=r"not a readable \.xlsx workbook"):
        parse_xlsx({FILENAME: data[: len(data) // 2]})


def test_refuses_wrong_layout() -> None:
    """Hand-made: workbooks / CSV text with a header that is not the ConList one."""
    with pytest.raises(ParseError, match="no ConList header"):
        parse_xlsx({FILENAME: _workbook([["Name", "Country"], ["A", "B"]])})
    header = [c for c in COLUMNS if c != "Regime"]
    with pytest.raises(ParseError, match="lacks required columns"):
        parse_xlsx({FILENAME: _workbook([header, ["x"] * len(header)])})
    with pytest.raises(ParseError, match="no entries"):
        parse_csv({"conlist.csv": ",".join(COLUMNS).encode()})
    with pytest.raises(ParseError, match="missing from the snapshot"):
        parse_csv({})


def test_csv_refuses_bad_bytes() -> None:
    """Hand-made: empty, garbage and truncated CSV."""
    with pytest.raises(ParseError, match="empty"):
        parse_csv({"conlist.csv": b"\r\n"})
    with pytest.raises(ParseError):
        parse_csv({"conlist.csv": bytes(range(256)) * 20})
    text = HANDMADE.read_bytes()
    with pytest.raises(ParseError, match=r"cells, header has|malformed CSV"):
        parse_csv({"conlist.csv": text[: text.index(b"EKZAMPLOVA") + 20]})


def _hostile_sheet(doctype: str, reference: str) -> bytes:
    header = list(COLUMNS)
    row = ["MARKER" if c == "Name 6" else "1" if c == "Group ID" else "" for c in header]
    source = zipfile.ZipFile(io.BytesIO(_workbook([header, row])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = (doctype + data.decode().replace("MARKER", reference)).encode()
            target.writestr(name, data)
    return out.getvalue()


def test_xlsx_refuses_entity_bomb_and_external_entity() -> None:
    """Hand-made hostile workbooks: a billion-laughs bomb and an external entity."""
    levels = "".join(f'<!ENTITY l{k} "{f"&l{k - 1};" * 10}">' for k in range(1, 10))
    bomb = _hostile_sheet(f'<!DOCTYPE worksheet [<!ENTITY l0 "lol">{levels}]>', "&l9;")
    with pytest.raises(ParseError, match=r"not a readable \.xlsx workbook"):
        parse_xlsx({FILENAME: bomb})
    external = '<!DOCTYPE worksheet [<!ENTITY ext SYSTEM "file:///etc/passwd">]>'
    with pytest.raises(ParseError, match=r"not a readable \.xlsx workbook"):
        parse_xlsx({FILENAME: _hostile_sheet(external, "&ext;")})


# --- normalizers -----------------------------------------------------------------------


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(2999, 12, 31)))
def test_uk_date_round_trips(day: date) -> None:
    assert uk_date(day.strftime("%d/%m/%Y")) == day.isoformat()
    assert uk_date(day.strftime("00/%m/%Y")) == day.isoformat()[:7]
    assert uk_date(day.strftime("00/00/%Y")) == day.isoformat()[:4]


@given(st.text(max_size=30))
def test_uk_dates_are_valid_ftm_dates(text: str) -> None:
    for value in uk_dates(text):
        assert registry.date.clean(value) == value


@given(st.lists(st.from_regex(r"[A-Za-z][A-Za-z ]{0,15}[A-Za-z]", fullmatch=True), min_size=2))
def test_split_numbered_round_trips(values: list[str]) -> None:
    text = " ".join(f"({i}) {v}" for i, v in enumerate(values, start=1))
    assert split_numbered(text) == values


@given(st.text(max_size=200))
def test_other_information_never_fails(text: str) -> None:
    info = parse_other_information(text)
    assert all(len(ref) == 7 for ref in info.refs)


@given(
    st.lists(st.from_regex(r"[A-Z]{3}[0-9]{4}", fullmatch=True), min_size=1, max_size=3),
    st.text(alphabet=st.characters(blacklist_characters="()"), max_size=40),
)
def test_other_information_finds_refs_and_reasons(refs: list[str], reason: str) -> None:
    text = f"(UK Sanctions List Ref):{' and '.join(refs)}. (UK Statement of Reasons):{reason}"
    info = parse_other_information(text)
    assert info.refs == list(dict.fromkeys(refs))
    assert info.reasons == ([reason.strip()] if reason.strip() else [])


@given(st.text(max_size=40))
def test_country_code_is_a_country_or_none(text: str) -> None:
    code = country_code(text)
    assert code is None or registry.country.clean(code) == code


def test_full_name_skips_empty_parts() -> None:
    assert full_name(["", "  ", "X"]) == "X"


def test_the_2018_layout_maps_eu_era_regimes_to_their_successors() -> None:
    """gb-ofsi/2018-04-13 (the old CSV layout) names the EU-era regimes: those the UK's 2019
    regulations replaced map to them ("Ukraine (Sovereignty)" is the Russia regime); those
    with no UK successor in the registry are named in a warning, not guessed."""
    path = MIRROR / "gb-ofsi" / "2018-04-13" / "sanctionsconlist.csv.gz"
    rows = list(csv.reader(io.StringIO(read_file(path).decode("cp1252"))))  # the old layout
    regimes_used = {row[25] for row in rows[2:] if len(row) > 25}
    assert "Ukraine (Sovereignty)" in regimes_used
    found = regimes().lookup("gb-ofsi", "Ukraine (Sovereignty)")
    assert found is not None and found.key == "GB-RUS"
    result = parse_csv({"conlist.csv": read_file(path)})
    unknown = sorted(w for w in result.warnings if w.startswith("unknown regime"))
    assert unknown == [f"unknown regime string '{label}'" for label in (
        "Burundi", "Egypt", "Terrorism and Terrorist Financing", "Tunisia",
        "UK Freezing Orders", "Ukraine (Misappropriation)")]  # fmt: skip
