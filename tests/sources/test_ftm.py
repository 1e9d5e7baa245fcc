"""Tests of the FollowTheMoney JSON-lines parser.

Hand-made inputs (``handmade/ftm-entities.json`` and the lines below): no FtM export is in
the mirror. The round trip feeds it the entities our EU and UN parsers make from the real
UN files and the hand-made EU file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from followthemoney import StatementEntity, model, registry
from hypothesis import given, settings
from hypothesis import strategies as st

from concord.errors import ParseError
from concord.model.entities import entity_id
from concord.sources import eu_fsf, un_sc
from concord.sources.ftm import our_id, parse_ftm
from tests.conftest import MIRROR, read_file

HANDMADE = Path(__file__).parent / "handmade"
FTM_FILE = HANDMADE / "ftm-entities.json"


def _lines(*items: object) -> bytes:
    return "\n".join(json.dumps(i, ensure_ascii=False) for i in items).encode()


def _parse(data: bytes, name: str = "entities.ftm.json") -> dict[str, StatementEntity]:
    return {e.id or "": e for e in parse_ftm({name: data}).entities()}


def test_handmade_file() -> None:
    result = parse_ftm({"entities.ftm.json": FTM_FILE.read_bytes()})
    assert result.source == "opensanctions"
    assert result.components == frozenset({"ftm"})
    assert result.published is None
    assert result.warnings == []
    # six lines (one blank), two of them fragments of one person: five entities
    assert [r.local_id for r in result.records] == [
        "NK-hm-person-1",
        "hm-sanction-1",
        "hm-passport-1",
        "hm-company-1",
        "hm-ownership-1",
    ]
    assert all(len(r.build()) == 1 for r in result.records)
    found = {e.id: e for e in result.entities()}
    person = found["opensanctions-nk-hm-person-1"]
    assert person.id == entity_id("opensanctions", "NK-hm-person-1")
    assert person.get("name") == ["Ana Example"]
    assert person.get("position") == ["Hand-made official"]  # from the second fragment
    assert person.get("nationality") == ["ve"]
    sanction = found["opensanctions-hm-sanction-1"]
    assert sanction.get("entity") == [person.id]  # reference rewritten like the id
    assert sanction.get("program") == ["Global Magnitsky"]
    assert sanction.get("programId") == ["US-GLOMAG"]  # kept as given
    assert sanction.get("listingDate") == ["2021-03-02"]
    assert found["opensanctions-hm-passport-1"].get("holder") == [person.id]
    ownership = found["opensanctions-hm-ownership-1"]
    assert ownership.get("owner") == [person.id]
    assert ownership.get("asset") == ["opensanctions-hm-company-1"]
    for entity in found.values():
        assert entity.dataset.name == "opensanctions"
        model.get_proxy(entity.to_dict(), cleaned=False)
        assert {s.origin for s in entity.statements if s.prop != "id"} <= {"ftm"}


def test_fingerprint_is_the_canonical_json() -> None:
    item = {"id": "a", "schema": "Person", "properties": {"name": ["A"], "alias": ["B"]}}
    spaced = json.dumps(item, indent=None, separators=(" , ", " : ")).encode()
    reordered = json.dumps(dict(reversed(list(item.items())))).encode()
    provenance = _lines({**item, "last_seen": "2030-01-01", "datasets": ["x"]})
    prints = {parse_ftm({"f.json": d}).records[0].fingerprint for d in (spaced, reordered)}
    assert prints == {parse_ftm({"f.json": provenance}).records[0].fingerprint}
    changed = _lines({**item, "properties": {"name": ["A"], "alias": ["C"]}})
    assert parse_ftm({"f.json": changed}).records[0].fingerprint not in prints


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "file is empty"),
        (b'{"id": "a", "schema": "Person", "properties": {}}\n{"id": ', "invalid JSON at line 2"),
        (b'\n\n["not", "an", "object"]', "line 3 is not a JSON object"),
        (
            b'{"id": "a", "schema": "Starship", "properties": {}}',
            "unknown schema 'Starship' at line 1",
        ),
        (b'{"schema": "Person", "properties": {}}', "entity without id at line 1"),
        (b'{"id": "a", "schema": "Person", "properties": {"name": "A"}}', "at line 1"),
        (b"\xff\xfe\x00", "not valid text"),
        (
            b'{"id": "a", "schema": "Person"}\n{"id": "a", "schema": "Vessel"}',
            "clashing schemata at line 2",
        ),
    ],
)
def test_bad_input_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason) as caught:
        parse_ftm({"entities.ftm.json": data})
    assert caught.value.filename == "entities.ftm.json"


def test_file_choice() -> None:
    with pytest.raises(ParseError, match=r"expected one \.json file"):
        parse_ftm({"a.csv": b""})
    with pytest.raises(ParseError, match=r"expected one \.json file"):
        parse_ftm({"a.json": b"", "b.json": b""})


def test_unknown_fields_are_warned_and_skipped() -> None:
    data = _lines(
        {"id": "a", "schema": "Person", "properties": {"name": ["A"], "imoNumber": ["1"]}},
        {"id": "b", "schema": "Company", "extra": 1, "properties": {}},
    )
    result = parse_ftm({"x.json": data})
    assert result.warnings == [
        "unexpected FtM field Person.imoNumber",
        "unexpected FtM field extra",
    ]
    (person, _) = result.entities()
    assert person.to_dict()["properties"] == {"name": ["A"]}


def test_ids_that_collide_are_refused() -> None:
    data = _lines(
        {"id": "NK-Ab", "schema": "Person", "properties": {}},
        {"id": "nk ab", "schema": "Person", "properties": {}},
    )
    with pytest.raises(
        ParseError, match="ids 'NK-Ab' and 'nk ab' both become 'opensanctions-nk-ab'"
    ):
        parse_ftm({"x.json": data})


def test_ids_that_slugify_to_a_trailing_dash_still_give_valid_ids() -> None:
    # normality slugifies "A\U00022a32" to "a-", which FtM refuses; entity_id strips the dash.
    data = _lines({"id": "A\U00022a32", "schema": "Person", "properties": {"name": ["A"]}})
    (entity,) = _parse(data).values()
    assert entity.id == "opensanctions-a"


def test_fragments_of_related_schemata_merge() -> None:
    data = _lines(
        {"id": "a", "schema": "LegalEntity", "properties": {"name": ["A"]}},
        {"id": "a", "schema": "Company", "properties": {"registrationNumber": ["1"]}},
    )
    (entity,) = _parse(data).values()
    assert entity.schema.name == "Company"
    assert entity.get("registrationNumber") == ["1"]


# -- round trip: our own parsers' entities as FtM lines ---------------------------------


def _round_trip(originals: list[StatementEntity]) -> None:
    data = "\n".join(json.dumps(e.to_dict(), ensure_ascii=False) for e in originals).encode()
    result = parse_ftm({"entities.ftm.json": data})
    assert result.warnings == []
    assert len(result.records) == len(originals)
    found = {e.id: e for e in result.entities()}
    for original in originals:
        copy = found[our_id(original.id or "")]
        assert copy.schema is original.schema
        for prop in original.schema.properties.values():
            values = original.get(prop)
            if prop.type == registry.entity:
                values = [our_id(v) for v in values]
            assert sorted(copy.get(prop)) == sorted(values), (original.id, prop.name)


def test_round_trip_un_entities() -> None:
    data = read_file(MIRROR / "un-sc" / "2026-02-27" / "consolidated.xml")
    records = un_sc.parse_xml({"consolidated.xml": data}).records[:400]
    originals = [e for r in records for e in r.build()]
    assert len(originals) > 800
    assert any(e.schema.name == "Passport" for e in originals)
    _round_trip(originals)


def test_round_trip_eu_entities() -> None:
    # hand-made EU file (no complete real FSF file in the mirror)
    data = (HANDMADE / "eu-fsf-hr-handmade.xml").read_bytes()
    originals = list(eu_fsf.parse_xml({"x.xml": data}).entities())
    assert [e.schema.name for e in originals].count("Sanction") == 3
    _round_trip(originals)


IDS = st.text(
    st.characters(codec="ascii", categories=["L", "N"]) | st.sampled_from("-_.:"), min_size=1
)


@settings(deadline=None)
@given(IDS.filter(lambda i: any(c.isalnum() for c in i)))
def test_ids_and_references_agree(original: str) -> None:
    data = _lines(
        {"id": original, "schema": "Person", "properties": {"name": ["X"]}},
        {"id": f"{original}-s", "schema": "Sanction", "properties": {"entity": [original]}},
    )
    result = parse_ftm({"x.json": data})
    person, sanction = result.entities()
    assert sanction.get("entity") == [person.id]
