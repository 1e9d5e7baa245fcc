"""OFAC's Consolidated (non-SDN) list, `us-ofac-cons`: every snapshot of the mirror in its
three layouts, pinned to the counts PROVENANCE.md gives and to rows read from the files
with Python's csv module and lxml, not with Concord's parsers."""

from __future__ import annotations

import csv
import io
from collections import Counter

from lxml import etree

from concord.sources import us_ofac_cons
from concord.sources.base import ParsedList
from concord.sources.registry import sources
from concord.store import Store
from tests.conftest import MIRROR, snapshot_files

FOLDER = MIRROR / "us-ofac-cons"


def _parse(day: str) -> ParsedList:
    files = snapshot_files(FOLDER / day)
    fmt = sources()["us-ofac-cons"].choose_format(files)
    return fmt.load()(files)


def _prim_rows(day: str) -> dict[str, list[str]]:
    text = snapshot_files(FOLDER / day)["cons_prim.csv"].decode("latin-1")
    return {row[0]: row for row in csv.reader(io.StringIO(text)) if len(row) > 3}


def _programs(parsed: ParsedList) -> Counter[str]:
    return Counter(label for r in parsed.records for e in r.build()
                   if e.schema.name == "Sanction" for label in e.get("program"))  # fmt: skip


def test_each_snapshot_reads_as_its_own_list() -> None:
    """Entries per PROVENANCE.md: 639 (2018-04-06), 375 DistinctParty (2020-03-17, advanced
    XML), 443 (2025-06-30, XML), 442 (2025-12-19, CSV)."""
    for day, count in (("2018-04-06", 639), ("2020-03-17", 375), ("2025-06-30", 443),
                       ("2025-12-19", 442)):  # fmt: skip
        parsed = _parse(day)
        assert parsed.source == "us-ofac-cons"
        assert len(parsed.records) == count, day
        main = parsed.records[0].build()
        assert all((e.id or "").startswith("us-ofac-cons-") for e in main)
        sanctions = [e for e in main if e.schema.name == "Sanction"]
        assert sanctions
        assert all(v.startswith("us-ofac-cons-") for e in sanctions for v in e.get("entity"))
        assert not [w for w in parsed.warnings if "unknown regime" in w], parsed.warnings


def test_csv_and_classic_xml_of_2018_give_the_same_entries() -> None:
    """us-ofac-cons/2018-04-06 holds the CSV set and consolidated.xml of one publication;
    programme counts per PROVENANCE.md: UKRAINE-EO13662 290, IRAN 264, NS-PLC 78."""
    files = snapshot_files(FOLDER / "2018-04-06")
    from_csv = us_ofac_cons.parse_csv_set(files)
    from_xml = us_ofac_cons.parse_xml(files)
    assert {r.local_id for r in from_csv.records} == {r.local_id for r in from_xml.records}
    assert set(_prim_rows("2018-04-06")) == {r.local_id for r in from_csv.records}
    programs = _programs(from_csv)
    assert (programs["UKRAINE-EO13662"], programs["IRAN"], programs["NS-PLC"]) == (290, 264, 78)
    root = etree.fromstring(files["consolidated.xml"], etree.XMLParser(resolve_entities=False))
    assert from_xml.published is not None
    publish = root.findtext("{*}publshInformation/{*}Publish_Date")
    assert publish == from_xml.published.strftime("%m/%d/%Y")


def test_the_non_sdn_list_is_ingested_screened_and_in_force(resolved_store: Store) -> None:
    """cons_prim.csv of 2025-12-19: ent_num 9639 is HANIYA, Ismail Abdul Salah, NS-PLC."""
    from concord.screen import get_index
    from concord.screen.query import Query, screen
    from concord.store.designations import designation_set

    row = _prim_rows("2025-12-19")["9639"]
    assert (row[1], row[3]) == ("HANIYA, Ismail Abdul Salah", "NS-PLC")
    found = designation_set(resolved_store).by_entry["us-ofac-cons:9639"]
    assert [(d.regime, d.jurisdiction, d.in_force()) for d in found] == [
        ("US-NS-PLC", "US", True)]  # fmt: skip
    hits = screen(get_index(resolved_store), Query(["Ismail Haniya"], limit=5, threshold=0.5))
    assert any("us-ofac-cons:9639" in h.target.entry_keys for h in hits)
