"""Tests of the US OFAC legacy file-set parsers (``sdn``/``add``/``alt``/``sdn_comments``, as
``.csv`` and as pipe-delimited ``.pip``) and of the Remarks mini-language.

Real files: every ``us-ofac`` snapshot folder of the mirror, checked against the counts in
PROVENANCE.md (read from the shared data folder, never copied) and spot-checked record by
record. Hand-made inputs only for malformed variants no real file shows; each such test
says "hand-made".
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from functools import cache

import pytest
from followthemoney import StatementEntity, model, registry
from hypothesis import given
from hypothesis import strategies as st

from concord.errors import ParseError
from concord.model.regimes import registry as regimes
from concord.sources import us_ofac
from concord.sources.base import ParsedList
from concord.sources.us_ofac import remarks
from tests.conftest import BAD, MIRROR, snapshot_files

FOLDER = MIRROR / "us-ofac"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@cache
def snapshots() -> dict[str, dict[str, bytes]]:
    return {path.name: snapshot_files(path) for path in sorted(FOLDER.iterdir())}


def parse(files: dict[str, bytes]) -> ParsedList:
    pip = "sdn.pip" in files
    return us_ofac.parse_pip_set(files) if pip else us_ofac.parse_csv_set(files)


# Snapshots whose records the tests open; the others are split, summarised and let go.
KEPT = {"2024-05-03", "2024-05-02", "2021-07-07", "2021-04-25", "2020-06-11", "2020-03-07"}
KEPT |= {"2019-01-04", "2015-01-17"}


class Summary:
    """What the tests need of a split snapshot: counts per tag, warnings, components."""

    def __init__(self, result: ParsedList) -> None:
        self.entries = len(result.records)
        programs = Counter(r.raw["program"] for r in result.records)
        self.tags: Counter[str] = Counter()
        for program, count in programs.items():
            self.tags.update(dict.fromkeys(us_ofac.program_tags(program), count))
        self.warnings = result.warnings
        self.components = result.components


@cache
def parsed_all() -> tuple[dict[str, Summary], dict[str, ParsedList]]:
    """Every snapshot split (not built): summaries and the kept results."""
    summaries, kept = {}, {}
    for name, files in snapshots().items():
        result = parse(files)
        summaries[name] = Summary(result)
        if name in KEPT:
            kept[name] = result
    return summaries, kept


def parsed(name: str) -> ParsedList:
    return parsed_all()[1][name]


@cache
def built(name: str, local_id: str) -> list[StatementEntity]:
    (record,) = [r for r in parsed(name).records if r.local_id == local_id]
    return record.build()


def main_of(name: str, local_id: str) -> StatementEntity:
    return built(name, local_id)[0]


def of_schema(name: str, local_id: str, schema: str) -> list[StatementEntity]:
    return [e for e in built(name, local_id) if e.schema.name == schema]


def props(entity: StatementEntity) -> dict[str, list[str]]:
    return {prop: sorted(values) for prop, values in entity.to_dict()["properties"].items()}


def origins(entity: StatementEntity, prop: str) -> set[str | None]:
    return {s.origin for s in entity.statements if s.prop == prop}


@cache
def provenance() -> dict[str, tuple[int, int, int]]:
    """PROVENANCE.md facts per us-ofac folder: (entries, GLOMAG entries, MAGNIT entries)."""
    text = (MIRROR / "PROVENANCE.md").read_text(encoding="utf-8")
    out: dict[str, tuple[int, int, int]] = {}
    for section in text.split("\n### ")[1:]:
        head = re.match(r"us-ofac/(\d{4}-\d\d-\d\d)/sdn\.(?:csv|pip)", section)
        counts = re.search(r"(\d+) SDN entries", section)
        magnitsky = re.search(r"GLOMAG (\d+), MAGNIT (\d+)", section)
        if head and counts and magnitsky:
            glomag, magnit = (int(n) for n in magnitsky.groups())
            out[head.group(1)] = (int(counts.group(1)), glomag, magnit)
    return out


def assert_valid_ftm(entity: StatementEntity) -> None:
    proxy = model.get_proxy(entity.to_dict(), cleaned=False)
    for prop in proxy.iterprops():
        for value in proxy.get(prop):
            assert prop.type.clean(value, proxy=proxy) is not None, (entity.id, prop, value)


# ----- every real snapshot -------------------------------------------------------------


def test_every_snapshot_matches_provenance_counts() -> None:
    # Every folder of the mirror, old and new, has its PROVENANCE.md facts; the named ones
    # below are pinned so that a folder going missing is noticed.
    facts, summaries = provenance(), parsed_all()[0]
    assert set(facts) == set(snapshots())
    assert {"2015-01-17", "2021-01-14", "2021-04-25", "2024-05-03"} <= set(facts)
    for name, (entries, glomag, magnit) in facts.items():
        summary = summaries[name]
        got = (summary.entries, summary.tags["GLOMAG"], summary.tags["MAGNIT"])
        assert got == (entries, glomag, magnit), name


def test_counts_named_in_the_brief() -> None:
    expected = {
        "2024-05-03": (14965, 694, 64),
        "2020-03-07": (8100, 196, 55),
        "2020-06-11": (8224, 195, 55),
        "2019-01-04": (7379, 99, 49),
        "2015-01-17": (5876, 0, 34),
    }
    for name, counts in expected.items():
        summary = parsed_all()[0][name]
        assert (summary.entries, summary.tags["GLOMAG"], summary.tags["MAGNIT"]) == counts


def test_a_programme_tag_added_to_an_old_entry() -> None:
    # KADYROV: MAGNIT only on 2020-06-11 (.pip), MAGNIT + GLOMAG on 2021-04-25 (.csv).
    before = {s.get("program")[0] for s in of_schema("2020-06-11", "23343", "Sanction")}
    after = {s.get("program")[0] for s in of_schema("2021-04-25", "23343", "Sanction")}
    assert before == {"MAGNIT"} and after == {"MAGNIT", "GLOMAG"}
    fingerprints = [
        {r.local_id: r.fingerprint for r in parsed(n).records}["23343"]
        for n in ("2020-06-11", "2021-04-25")
    ]
    assert fingerprints[0] != fingerprints[1]


def test_no_programme_tag_of_any_snapshot_is_unknown() -> None:
    seen: Counter[str] = Counter()
    for name, summary in parsed_all()[0].items():
        assert not [w for w in summary.warnings if "regime" in w], name
        seen.update(summary.tags)
    found = {tag: regimes().lookup("us-ofac", tag) for tag in seen}
    assert [tag for tag, regime in found.items() if regime is None] == []
    keys = {tag: regime.key for tag, regime in found.items() if regime is not None}
    assert keys["GLOMAG"] == "US-GLOMAG" and keys["MAGNIT"] == "US-MAGNITSKY"
    assert keys["RUSSIA-EO"] == keys["RUSSIA-EO14024"] == "US-RUSHAR"  # an early spelling
    rights = {tag for tag, regime in found.items() if regime is not None and regime.human_rights}
    assert {"HK-EO13936", "BURMA-EO14014", "NICARAGUA", "IRAN-HR", "UHRPA", "GLOMAG"} <= rights
    assert "SDGT" not in rights and "CUBA" not in rights
    # 2021-01-14 holds the only entries of the International Criminal Court programme (EO
    # 13928, revoked 2021-04-01): a regime of its own, not a human-rights one.
    icc = parsed_all()[0]["2021-01-14"].tags["ICCP-EO13928"]
    assert icc == 2 and keys["ICCP-EO13928"] == "US-ICC-EO13928"
    assert "ICCP-EO13928" not in rights


def test_components_follow_the_files_present() -> None:
    assert parsed("2019-01-04").components == {"sdn", "add", "alt", "comments"}
    assert parsed("2021-04-25").components == {"sdn", "add", "alt"}
    assert parsed("2024-05-03").components == {"sdn"}
    assert parsed("2020-03-07").components == {"sdn", "add", "alt", "comments"}


def test_every_snapshot_splits() -> None:
    # Pinned per named snapshot, never as a mirror total (the mirror grows).
    results, _ = parsed_all()
    named = {"2015-01-17": 5876, "2018-01-28": 6068, "2021-01-14": 8754, "2021-04-25": 8890}
    assert {name: results[name].entries for name in named} == named
    assert all(summary.entries > 5000 for summary in results.values())


# ----- spot checks, field by field -----------------------------------------------------


def test_glomag_person_with_passport_and_weak_alias() -> None:
    person = main_of("2024-05-03", "23307")  # KARIMOVA, Gulnara
    assert props(person) == {
        "name": ["KARIMOVA, Gulnara"],
        "lastName": ["KARIMOVA"],
        "firstName": ["Gulnara"],
        "birthDate": ["1972-07-08"],
        "birthPlace": ["Fergana, Uzbekistan"],
        "birthCountry": ["uz"],
        "nationality": ["uz"],
        "citizenship": ["uz"],
        "gender": ["female"],
        "weakAlias": ["Googoosha"],
        "passportNumber": ["DA0006735"],
    }
    (passport,) = of_schema("2024-05-03", "23307", "Passport")
    assert props(passport) == {
        "holder": ["us-ofac-23307"],
        "number": ["DA0006735"],
        "type": ["Passport"],
        "country": ["uz"],
    }
    (sanction,) = of_schema("2024-05-03", "23307", "Sanction")
    assert sanction.get("programId") == ["US-GLOMAG"]
    assert sanction.get("authorityId") == ["23307"]
    assert sanction.get("listingDate") == []  # OFAC gives no dates


def test_glomag_person_with_expiring_passport_and_national_id() -> None:
    person = main_of("2024-05-03", "27015")  # AL-JUBOURI, Ahmad Abdullah
    assert person.get("birthDate") == ["1967-07-01"]
    assert person.get("birthPlace") == ["Baghdad, Iraq"]
    assert person.get("idNumber") == ["00318953"]
    assert sorted(person.get("weakAlias")) == ["Abu Mazen", "Abu Mazin"]
    (passport,) = of_schema("2024-05-03", "27015", "Passport")
    assert passport.get("endDate") == ["2025-04-14"] and passport.get("country") == ["iq"]
    (national_id,) = of_schema("2024-05-03", "27015", "Identification")
    assert national_id.get("type") == ["National ID No."]
    assert origins(person, "birthDate") == {"sdn"}


def test_person_with_aliases_and_address_from_add_and_alt() -> None:
    person = main_of("2021-04-25", "23343")  # KADYROV
    assert person.get("lastName") == ["KADYROV"]
    assert sorted(person.get("alias")) == ["KADYROV, Ramzan", "KADYROW, Ramzan Achmatowisch"]
    assert origins(person, "alias") == {"alt"}
    assert person.get("country") == ["ru"] and origins(person, "country") == {"add"}
    assert person.get("birthPlace") == ["Tsentoroi, Chechen Republic, Russia"]
    assert person.get("birthDate") == ["1976-10-05"]


def test_vessel_with_imo_and_resolved_link() -> None:
    vessel = main_of("2024-05-03", "33681")  # FU YUAN YU 7876
    assert vessel.schema.name == "Vessel"
    assert props(vessel) == {
        "name": ["FU YUAN YU 7876"],
        "type": ["Fishing Vessel"],
        "flag": ["cn"],
        "imoNumber": ["IMO8537097"],
    }
    (link,) = of_schema("2024-05-03", "33681", "UnknownLink")
    assert link.get("subject") == ["us-ofac-33681"] and link.get("role") == ["Linked To"]
    assert link.get("object") == ["us-ofac-35376"]
    target = main_of("2024-05-03", "35376")
    assert target.get("name") == ["FUJIAN PROVINCIAL PINGTAN COUNTY OCEAN FISHING GROUP CO., LTD."]
    assert link.id == "us-ofac-33681-linked-35376"


def test_aircraft() -> None:
    plane = main_of("2024-05-03", "15431")  # EP-GOM
    assert plane.schema.name == "Airplane"
    assert plane.get("model") == ["IL76-TD"] and plane.get("buildDate") == ["1992"]
    assert sorted(plane.get("serialNumber")) == ["1023409321", "8401"]
    assert plane.get("notes") == ["Aircraft Operator: YAS AIR"]


def test_remarks_continued_in_sdn_comments_carry_their_origin() -> None:
    person = main_of("2021-07-07", "28264")  # LI, Jiadong: remarks overflow into comments
    assert "blackjack1987" in person.get("weakAlias")
    assert origins(person, "weakAlias") == {"comments"}
    assert origins(person, "birthDate") == {"sdn"}
    (link,) = of_schema("2021-07-07", "28264", "UnknownLink")
    assert link.get("object") == ["us-ofac-27307"]  # LAZARUS GROUP
    sanctions = of_schema("2021-07-07", "28264", "Sanction")
    assert {s.get("programId")[0] for s in sanctions} == {"US-DPRK3", "US-CYB"}
    provisions = {p for s in sanctions for p in s.get("provisions")}
    assert any(p.startswith("Secondary sanctions risk") for p in provisions)


def test_remarks_cut_without_sdn_comments_drop_only_the_partial_statement() -> None:
    cut = parsed("2021-04-25")
    assert any(w.startswith("7 Remarks cut at 1000") for w in cut.warnings)
    partial = main_of("2021-04-25", "28263")
    whole = main_of("2021-07-07", "28263")
    assert "snowsjohn" in whole.get("weakAlias")
    assert not [a for a in partial.get("weakAlias") if a.startswith("snowsjo")]
    assert set(partial.get("weakAlias")) < set(whole.get("weakAlias"))


def test_pip_and_csv_give_the_same_entities() -> None:
    for ent_num in ("36", "306", "27015"):  # with address, alias, weak alias, passport
        old = {e.id: props(e) for e in built("2020-03-07", ent_num)}
        new = {e.id: props(e) for e in built("2021-04-25", ent_num)}
        assert old == new, ent_num


def test_unchanged_entries_keep_their_fingerprint() -> None:
    before = {r.local_id: r.fingerprint for r in parsed("2024-05-02").records}
    after = {r.local_id: r.fingerprint for r in parsed("2024-05-03").records}
    same = sum(before.get(key) == value for key, value in after.items())
    assert same > 0.97 * len(after) and len(set(after.values())) == len(after)


def test_built_entities_are_valid_ftm() -> None:
    result = parsed("2024-05-03")
    records = [r for i, r in enumerate(result.records) if i % 20 == 0]
    records += [r for r in result.records if re.search(r"GLOMAG|MAGNIT", r.raw["program"])]
    records += [r for i, r in enumerate(parsed("2020-06-11").records) if i % 40 == 0]
    records += [r for i, r in enumerate(parsed("2019-01-04").records) if i % 40 == 0]
    schemas: Counter[str] = Counter()
    for record in records:
        entities = record.build()
        assert entities[0].id == us_ofac.main_id(record.local_id)
        assert len({e.id for e in entities}) == len(entities)
        tags = us_ofac.program_tags(record.raw["program"])
        assert len([e for e in entities if e.schema.name == "Sanction"]) == len(tags)
        for entity in entities:
            schemas[entity.schema.name] += 1
            assert_valid_ftm(entity)
            assert all(
                s.origin in {"sdn", "add", "alt", "comments"}
                for s in entity.statements
                if s.prop != "id"
            )
    assert {"Person", "Organization", "Vessel", "Airplane", "Sanction"} <= set(schemas)
    assert {"Passport", "Identification", "UnknownLink", "CryptoWallet"} <= set(schemas)


def test_remarks_are_understood() -> None:
    counts = us_ofac.remark_statistics(snapshots()["2024-05-03"])
    total = sum(counts.values())
    print(f"\nremark statements of 2024-05-03 by kind: {dict(counts)}")
    assert total > 60000 and counts["unknown"] / total < 0.06


# ----- refused and warned inputs -------------------------------------------------------

ROW = b'7,"ACME",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'


def test_the_real_empty_file_is_refused() -> None:
    data = (BAD / "us-ofac-2024-05-04-empty-sdn.csv").read_bytes()
    with pytest.raises(ParseError) as caught:
        us_ofac.parse_csv_set({"sdn.csv": data})
    assert caught.value.filename == "sdn.csv" and "empty" in caught.value.reason


@pytest.mark.parametrize(
    ("files", "filename", "reason"),
    [  # hand-made: malformed variants no real file shows
        ({"add.csv": b'7,1,-0- ,"X","Y",-0- '}, "sdn.csv", "missing"),
        ({"sdn.csv": b"7,ACME,-0- ,SDGT\r\n"}, "sdn.csv", "4 fields, expected 12"),
        ({"sdn.csv": ROW.replace(b"7,", b"X7,", 1)}, "sdn.csv", "not a number"),
        ({"sdn.csv": ROW + ROW}, "sdn.csv", "duplicate ent_num 7"),
        ({"sdn.csv": ROW.replace(b"ACME", b"\xff\xfe")}, "sdn.csv", "not valid text"),
        ({"sdn.csv": ROW, "alt.csv": b"7,1,aka\r\n"}, "alt.csv", "3 fields, expected 5"),
        ({"sdn.pip": b"Ent_num|SDN_name\n" + ROW.replace(b",", b"|")}, "sdn.pip", "header"),
        ({"sdn.csv": b'7,"ACME\r\n'}, "sdn.csv", "fields, expected 12"),
    ],
)
def test_malformed_sets_are_refused(files: dict[str, bytes], filename: str, reason: str) -> None:
    parser = us_ofac.parse_pip_set if "sdn.pip" in files else us_ofac.parse_csv_set
    with pytest.raises(ParseError) as caught:
        parser(files)
    assert caught.value.filename == filename and reason in caught.value.reason


def test_unknown_tags_types_and_orphans_are_warned() -> None:
    # hand-made: an unknown programme, SDN_Type and Alt_type, and rows of a missing entry
    row = ROW.replace(b'"SDGT"', b'"SDGT] [NEWPROG"').replace(b",-0- ,", b',"robot",', 1)
    files = {
        "sdn.csv": row,
        "alt.csv": b'7,1,"nick","ACME CO",-0- \r\n',
        "add.csv": b'8,1,-0- ,-0- ,"Cuba",-0- \r\n',
    }
    result = us_ofac.parse_csv_set(files)
    assert "unknown regime string 'NEWPROG'" in result.warnings
    assert "unknown SDN_Type 'robot' (1 entries, read as entity)" in result.warnings
    assert "unknown Alt_type 'nick' (1 rows, read as aka)" in result.warnings
    assert any(w.startswith("add.csv: 1 rows name an ent_num missing") for w in result.warnings)
    entities = result.records[0].build()
    assert [e.get("program") for e in entities[1:]] == [["SDGT"], ["NEWPROG"]]
    assert entities[0].get("alias") == ["ACME CO"]


def test_fingerprint_sees_whether_a_link_resolves() -> None:
    # hand-made: the same entry with and without the entry it is linked to
    linked = ROW.replace(b"-0- \r\n", b'"Linked To: BETA LTD."\r\n')
    target = b'8,"BETA LTD",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
    alone = us_ofac.parse_csv_set({"sdn.csv": linked}).records[0]
    paired = us_ofac.parse_csv_set({"sdn.csv": linked + target}).records[0]
    assert alone.fingerprint != paired.fingerprint
    assert alone.build()[0].get("notes") == ["Linked To: BETA LTD."]
    assert paired.build()[-1].get("object") == ["us-ofac-8"]
    twice = ROW.replace(b"-0- \r\n", b'"Linked To: BETA LTD; Linked To: BETA LTD."\r\n')
    (record, _) = us_ofac.parse_csv_set({"sdn.csv": twice + target}).records
    assert [e.schema.name for e in record.build()] == ["Organization", "Sanction", "UnknownLink"]


# ----- the Remarks mini-language (property tests) --------------------------------------


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)))
def test_parse_date_reads_the_three_precisions(day: date) -> None:
    month = MONTHS[day.month - 1]
    assert remarks.parse_date(f"{day.day:02d} {month} {day.year}") == day.isoformat()
    assert remarks.parse_date(f"{month} {day.year}") == day.isoformat()[:7]
    assert remarks.parse_date(f"{day.year}.") == str(day.year)
    assert remarks.parse_dates(f"circa {day.day} {month} {day.year}") == [day.isoformat()]


@given(st.integers(1900, 2020), st.integers(0, 30), st.sampled_from([" to ", "-"]))
def test_year_ranges_give_every_year_or_the_ends(start: int, span: int, sep: str) -> None:
    got = remarks.parse_dates(f"circa {start}{sep}{start + span}")
    years = [str(year) for year in range(start, start + span + 1)]
    assert got == (years if span <= remarks.MAX_YEAR_SPAN else [years[0], years[-1]])


@given(st.text(max_size=60))
def test_date_parsing_never_fails_and_gives_valid_dates(text: str) -> None:
    for value in remarks.parse_dates(text) or []:
        assert registry.date.clean(value) == value


@given(st.text(max_size=300), st.integers(0, 300))
def test_every_remark_statement_is_kept_somewhere(text: str, cut: int) -> None:
    result = remarks.parse_remarks(text, cut)
    segments = remarks.split_segments(text, cut)
    placed = [f.segment for f in result.facts] + [d.segment for d in result.documents]
    placed += [s for s, _ in result.unknown] + [s for s, _ in result.provisions]
    kept = len(result.notes) + len(result.links) + len(result.wallets)
    assert all(segment == segment.strip() and segment for segment, _ in segments)
    assert len(set(placed)) + kept >= len({s for s, _ in segments})
    seen = [origin for _, origin in segments]
    assert seen == sorted(seen, key=["sdn", "comments"].index)


NAME = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ -", min_size=2, max_size=20).map(str.strip)


@given(
    st.dates(min_value=date(1920, 1, 1), max_value=date(2005, 12, 31)),
    st.sampled_from(["Russia", "Iran", "Korea, North", "Venezuela", "Burma"]),
    st.from_regex(r"[A-Z]{1,2}[0-9]{5,9}", fullmatch=True),
    NAME.filter(lambda name: len(name) > 1),
)
def test_generated_remarks_read_back(born: date, country: str, number: str, alias: str) -> None:
    text = (
        f"DOB {born.day:02d} {MONTHS[born.month - 1]} {born.year}; nationality {country}; "
        f"Passport {number} ({country}) expires 01 Jan 2030; a.k.a. '{alias}'; Gender Female."
    )
    result = remarks.parse_remarks(text)
    facts = {(f.prop, f.value) for f in result.facts}
    assert ("birthDate", born.isoformat()) in facts and ("nationality", country) in facts
    assert ("weakAlias", alias) in facts and ("gender", "Female") in facts
    (doc,) = result.documents
    assert (doc.number, doc.country, doc.expires) == (number, country, ["2030-01-01"])
    assert result.unknown == []


@given(st.text(max_size=40))
def test_clean_phone_never_fails(text: str) -> None:
    assert " " not in remarks.clean_phone(text)
