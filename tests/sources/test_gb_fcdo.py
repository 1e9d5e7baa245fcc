"""Tests of the FCDO UK Sanctions List CSV parser.

Hand-made: no real file in the mirror. ``handmade/gb-fcdo-uk-sanctions-list.csv`` follows
the format facts in ``shared/data/formats/gb-fcdo-csv.md`` (``Report Date`` line, the 58
columns, ``|`` between values) with fictional targets: a Global Human Rights person with
aliases, a non-latin name, dates of birth, nationalities, a passport and a statement of
reasons; a Global Anti-Corruption entity with two addresses; a Russia-regime ship with an
IMO number; and a UN-listed ISIL person.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from followthemoney import StatementEntity, model
from hypothesis import given
from hypothesis import strategies as st

from concord.errors import ParseError
from concord.model.regimes import registry as regimes
from concord.sources.base import ParsedList
from concord.sources.gb_common import read_csv
from concord.sources.gb_fcdo import COLUMNS, addresses, parse_csv, report_date, split_rows

HANDMADE = Path(__file__).parent / "handmade" / "gb-fcdo-uk-sanctions-list.csv"
NAME = "uk-sanctions-list.csv"


def parsed() -> ParsedList:
    return parse_csv({NAME: HANDMADE.read_bytes()})


def entities_of(uid: str) -> list[StatementEntity]:
    record = next(r for r in parsed().records if r.local_id == uid)
    return record.build()


def props(entity: StatementEntity) -> dict[str, list[str]]:
    return {k: sorted(v) for k, v in entity.to_dict()["properties"].items()}


def assert_valid(entity: StatementEntity) -> None:
    data = entity.to_dict()
    proxy = model.get_proxy(data, cleaned=False)
    for prop, values in data["properties"].items():
        assert proxy.schema.get(prop) is not None, (entity.id, prop)
        assert len(proxy.get(prop)) == len(values), (entity.id, prop, values)


def test_layout_has_the_58_columns() -> None:
    table = read_csv(NAME, HANDMADE.read_bytes())
    assert len(COLUMNS) == 58 and table[1] == list(COLUMNS)


def test_handmade_file_splits_into_entries() -> None:
    result = parsed()
    assert result.source == "gb-fcdo" and result.published == date(2026, 10, 8)
    assert [r.local_id for r in result.records] == ["GHR9901", "GAC9902", "RUS9903", "AQD9904"]
    assert result.records[0].raw == {"Unique ID": "GHR9901", "OFSI Group ID": "99001"}
    assert result.components == frozenset({"uksl"}) and result.warnings == []
    for entity in result.entities():
        assert_valid(entity)


def test_ghr_person() -> None:
    person, sanction = entities_of("GHR9901")
    assert person.schema.name == "Person" and person.id == "gb-fcdo-ghr9901"
    p = props(person)
    assert p["name"] == ["Ivan Petrovich EXAMPLOV"]
    assert p["firstName"] == ["Ivan"] and p["secondName"] == ["Petrovich"]
    assert p["lastName"] == ["EXAMPLOV"] and p["title"] == ["Colonel"]
    assert p["alias"] == ["Ivan EKZAMPLOV", "Иван Петрович Экзамплов"]
    assert p["weakAlias"] == ["VANYA"]
    assert p["birthDate"] == ["1971-03-12", "1972"]
    assert p["nationality"] == ["by", "ru"] and p["birthCountry"] == ["ru"]
    assert p["birthPlace"] == ["Kazan"] and p["gender"] == ["male"]
    assert p["passportNumber"] == ["7512345678"]
    assert "Passport additional information: Russian passport" in p["notes"]
    assert p["address"] == ["1 Example Street, Moscow, Russia"]
    langs = {s.value: s.lang for s in person.statements if s.prop == "alias"}
    assert langs["Иван Петрович Экзамплов"] == "rus"
    s = props(sanction)
    assert s["programId"] == ["GB-HR"] and s["authorityId"] == ["GHR9901"]
    assert s["recordId"] == ["99001"] and s["startDate"] == ["2022-12-09"]
    assert s["modifiedAt"] == ["2023-01-10"] and s["authority"] == ["UK"]
    assert s["provisions"] == ["Asset freeze", "Travel Ban"]
    assert s["reason"][0].startswith("Ivan EXAMPLOV is a fictional person")


def test_gac_entity_with_two_addresses() -> None:
    org, sanction = entities_of("GAC9902")
    p = props(org)
    assert org.schema.name == "Organization"
    assert p["name"] == ["EXAMPLE HOLDINGS LIMITED"] and p["alias"] == ["EXAMPLE HOLDINGS LTD"]
    assert p["address"] == [
        "10 Sample Road, Limassol, Cyprus",
        "20 Specimen Avenue, Nicosia, Cyprus",
    ]
    assert p["country"] == ["cy"] and p["registrationNumber"] == ["HE999999"]
    assert p["legalForm"] == ["Limited company"] and p["email"] == ["info@example.com"]
    assert "Parent company: Example Group" in p["notes"]
    assert props(sanction)["programId"] == ["GB-AC"]


def test_russia_ship() -> None:
    ship, sanction = entities_of("RUS9903")
    p = props(ship)
    assert ship.schema.name == "Vessel"
    assert p["name"] == ["SEA EXAMPLE"] and p["imoNumber"] == ["9000003"]
    assert p["flag"] == ["pa"] and p["pastFlags"] == ["km", "lr"]
    assert p["type"] == ["Crude Oil Tanker"] and p["buildDate"] == ["2004"]
    assert "Current owner/operator (s): Example Shipping LLC" in p["notes"]
    s = props(sanction)
    assert s["programId"] == ["GB-RUS"] and "recordId" not in s
    assert s["program"] == ["The Russia (Sanctions) (EU Exit) Regulations 2019"]


def test_un_listed_person() -> None:
    person, sanction = entities_of("AQD9904")
    assert props(person)["nationality"] == ["iq"]  # "Iraq (previous address)"
    s = props(sanction)
    assert s["programId"] == ["GB-ISIL"] and s["unscId"] == ["QDi.901"]
    assert s["authority"] == ["UN"]


def test_every_gb_regime_has_an_fcdo_label() -> None:
    for regime in regimes():
        if regime.jurisdiction == "GB":
            labels = regime.labels.get("gb-fcdo", ())
            assert labels, regime.key
            for label in labels:
                assert regimes().lookup("gb-fcdo", label) is regime


def test_unknown_regime_is_reported() -> None:
    """Hand-made: a regime title the registry does not know becomes a warning."""
    table = read_csv(NAME, HANDMADE.read_bytes())
    table[2][COLUMNS.index("Regime Name")] = "The Imaginary (Sanctions) Regulations 2031"
    result = split_rows(NAME, table)
    assert result.warnings == ["unknown regime string 'The Imaginary (Sanctions) Regulations 2031'"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"\r\n \r\n", "empty"),
        (bytes(range(256)) * 20, "NUL|not valid text|header"),
        (b"Report Date: 08-Oct-2026\r\nName,Country\r\nA,B\r\n", "no UK Sanctions List header"),
        (b"Unique ID,Name 6\r\nRUS0001,X\r\n", "lacks required columns"),
        (b"Report Date: 08-Oct-2026\r\n" + ",".join(COLUMNS).encode() + b"\r\n", "no entries"),
    ],
)
def test_refuses_bad_input(data: bytes, reason: str) -> None:
    """Hand-made: empty, garbage and wrongly laid out files."""
    with pytest.raises(ParseError, match=reason):
        parse_csv({NAME: data})


def test_refuses_truncated_file() -> None:
    """Hand-made: the hand-made file cut in the middle of a row."""
    text = HANDMADE.read_bytes()
    with pytest.raises(ParseError, match=r"cells, header has|malformed CSV"):
        parse_csv({NAME: text[: text.index(b"EXAMPLE STAR") + 5]})


def test_refuses_missing_file() -> None:
    with pytest.raises(ParseError, match="missing from the snapshot"):
        parse_csv({"sdn.csv": b"x"})


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_report_date_round_trips(day: date) -> None:
    assert report_date(day.strftime("Report Date: %d-%b-%Y")) == day


@given(st.lists(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 ]{0,10}[A-Za-z0-9]", fullmatch=True),
                min_size=1, max_size=4))  # fmt: skip
def test_addresses_pair_pipe_separated_cells(lines: list[str]) -> None:
    row = {"Address Line 1": "|".join(lines), "Address Country": "Cyprus"}
    assert addresses(row) == [f"{line}, Cyprus" for line in lines]
