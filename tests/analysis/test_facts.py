"""Coordination analysis on the real mirror, checked against facts a person can read in
the raw files (each test names the file to open)."""

from __future__ import annotations

from datetime import date

import pytest

from concord.analysis.coverage import coverage
from concord.analysis.frame import Filter, Frame, load_frame
from concord.analysis.gaps import GapQuery, gaps
from concord.analysis.lags import lags
from concord.analysis.network import network_gaps
from tests.analysis.rawfiles import conlist_groups, jvcfor_dates, sdn_rows

UK_MAGNITSKY = {"Global Human Rights", "Global Anti-Corruption"}


@pytest.fixture(scope="module")
def frame(resolved_store) -> Frame:  # type: ignore[no-untyped-def]
    return load_frame(resolved_store)


def _target(frame: Frame, entry_key: str) -> str:
    return next(x.target_id for x in frame.listings if x.entry_key == entry_key)


def glomag_added_2022_12_09() -> set[str]:
    """Check: us-ofac/2022-12-08/sdn.csv.gz and us-ofac/2022-12-09/sdn.csv.gz, entries whose
    program column holds GLOMAG in the second file and whose ent_num is not in the first."""
    before, after = sdn_rows("2022-12-08"), sdn_rows("2022-12-09")
    return {f"us-ofac:{k}" for k, row in after.items() if k not in before and "GLOMAG" in row[3]}


def test_us_glomag_additions_of_2022_12_09_are_dated_by_their_snapshots(frame: Frame) -> None:
    added = glomag_added_2022_12_09()
    assert len(added) == 182
    found = {
        x.entry_key
        for x in frame.listings
        if x.regime == "US-GLOMAG" and x.listed.after == date(2022, 12, 8)
        and x.listed.until == date(2022, 12, 9)
    }  # fmt: skip
    assert found == added


def test_which_2022_12_09_glomag_additions_the_uk_matched_by_2025_04_14(frame: Frame) -> None:
    """None of them had a UK Global Human Rights / Anti-Corruption designation on
    2025-04-14 (gb-ofsi/2025-04-14/ConList.xlsx, column Regime); KARAM AZIZI (us-ofac:40157)
    is held by the UK under the Iran regime, Group ID 15671, Listed On 09/12/2022."""
    uk = conlist_groups("2025-04-14")
    added = glomag_added_2022_12_09()
    as_of = date(2025, 4, 14)
    rows = {r["target_id"]: r for r in coverage(frame, Filter(), as_of)}
    targets = {_target(frame, key) for key in added}
    covered_uk = {t for t in targets if "UK" in rows[t]["covered_by"].split(", ")}
    assert covered_uk == set()
    for tid in targets:
        for x in frame.holders(tid, None, as_of).get("UK", []):
            assert uk[x.entry_key.split(":")[1]]["regime"] not in UK_MAGNITSKY
    azizi = _target(frame, "us-ofac:40157")
    assert uk["15671"] == {"regime": "Iran", "listed_on": "2022-12-09", "name": "AZIZI"}
    assert rows[azizi]["UK"] == "(GB-IRAN 2022-12-09)"
    found = gaps(frame, GapQuery("US", ("UK",), missing_under="magnitsky", as_of=as_of,
                                 since=date(2022, 12, 9)))  # fmt: skip
    by_target = {r["target_id"]: r for r in found}
    assert targets <= set(by_target)
    assert by_target[azizi]["other_designations"] == "GB-IRAN 2022-12-09"
    assert by_target[azizi]["kind"] == "never designated"
    # Without --missing-under the UK's Iran designation counts: no gap for him.
    plain = gaps(frame, GapQuery("US", ("UK",), as_of=as_of, since=date(2022, 12, 9)))
    assert azizi not in {r["target_id"] for r in plain}


def test_canadian_jvcfor_listing_dates_are_those_of_the_file(frame: Frame) -> None:
    """Check: ca-sema/2025-05-25/sema-lmes.xml, records of the JVCFOR schedule, Item and
    DateOfListing (e.g. item 1, MADURO MOROS, 2017-11-03)."""
    expected = jvcfor_dates("2025-05-25")
    assert len(expected) == 80 and expected["1"] == date(2017, 11, 3)
    rows = {r["target_id"]: r for r in coverage(frame, Filter())}
    for item, day in expected.items():
        key = f"ca-sema:JVCFOR:{item}"
        listing = next(x for x in frame.listings if x.entry_key == key)
        assert listing.regime == "CA-JVCFOA" and listing.listed.is_exact
        assert listing.listed.until == day, key
        assert f"CA-JVCFOA {day.isoformat()}" in rows[listing.target_id]["CA"]


def test_a_target_on_one_list_is_never_covered_elsewhere(frame: Frame, resolved_store) -> None:  # type: ignore[no-untyped-def]
    """ZHUO Xinrong (us-ofac:33674) is on the US list only: the name is in neither
    gb-ofsi/2025-04-14/ConList.xlsx nor ca-sema/2025-05-25/sema-lmes.xml."""
    assert not any(g["name"].upper() == "ZHUO" for g in conlist_groups("2025-04-14").values())
    rows = coverage(frame, Filter("any", "all"))
    by_target = {r["target_id"]: r for r in rows}
    zhuo = by_target[_target(frame, "us-ofac:33674")]
    assert zhuo["covered_by"] == "US"
    assert [zhuo[j] for j in ("UK", "CA", "EU", "AU", "UN")] == ["", "", "", "", ""]
    # In general: a row's jurisdictions are those of the entries the target holds.
    sources = {x.entry_key: x.jurisdiction for x in frame.listings}
    for row in rows:
        held = {sources[k] for k in row["entries"].split(", ")}
        assert set(row["covered_by"].split(", ")) <= held
        for j in ("US", "UK", "CA", "EU", "AU", "UN"):
            assert bool(row[j]) == (j in held)


def test_as_of_uses_listing_dates_before_any_snapshot(frame: Frame) -> None:
    """US Xinjiang designations of July 2020 (ZHU Hailun us-ofac:29219, WANG Mingshan
    29162, CHEN Quanguo 29220, HUO Liujun 29160, SUN Jinlong 29300, PENG Jiarui 29319: not
    in us-ofac/2020-06-11/sdn.csv.gz, in us-ofac/2021-04-25/sdn.csv.gz). The UK matched
    ZHU and WANG on 2021-03-22 (gb-ofsi/2022-05-04/ConList.xlsx, Listed On 22/03/2021),
    the others not by 2021-06-30; none was on the UK list on 2021-03-21."""
    before, after = sdn_rows("2020-06-11"), sdn_rows("2021-04-25")
    people = ["29219", "29162", "29220", "29160", "29300", "29319"]
    assert all(k not in before and "GLOMAG" in after[k][3] for k in people)
    targets = {k: _target(frame, f"us-ofac:{k}") for k in people}
    query = GapQuery("US", ("UK",), missing_under="magnitsky", target_country="CN",
                     as_of=date(2021, 6, 30))  # fmt: skip
    missing = {r["target_id"] for r in gaps(frame, query)}
    assert {k for k, t in targets.items() if t not in missing} == {"29219", "29162"}
    # The UK's own listing date decides, although its first snapshot is of 2022-05-04.
    for day, expected in ((date(2021, 3, 21), set()), (date(2021, 3, 22), {"29219", "29162"})):
        held = {k for k, t in targets.items() if frame.holders(t, Filter(), day).get("UK")}
        assert held == expected, day
    uk = conlist_groups("2022-05-04")
    listed = {g["listed_on"] for g in uk.values() if g["name"] in ("ZHU", "WANG")
              and g["regime"] == "Global Human Rights"}  # fmt: skip
    assert listed == {"2021-03-22"}


def test_lag_of_an_interval_is_a_range(frame: Frame) -> None:
    """TESIC Slobodan: not in us-ofac/2015-01-17/sdn.csv.gz, GLOMAG in
    us-ofac/2018-01-28/sdn.csv.gz (ent_num 23288); UK Global Anti-Corruption, Group ID 15660,
    Listed On 09/12/2022 (gb-ofsi/2025-04-14/ConList.xlsx). GLOMAG began on 2017-12-20
    (Executive Order 13818), so the US designation was made in [2017-12-20, 2018-01-28], not
    before: the lag lies between 2022-12-09 - 2018-01-28 and 2022-12-09 - 2017-12-20 days."""
    assert "23288" not in sdn_rows("2015-01-17")
    assert "GLOMAG" in sdn_rows("2018-01-28")["23288"][3]
    assert conlist_groups("2025-04-14")["15660"]["listed_on"] == "2022-12-09"
    found = lags(frame, "US", "UK")
    case = next(c for c in found.cases if c["target_id"] == _target(frame, "us-ofac:23288"))
    low = (date(2022, 12, 9) - date(2018, 1, 28)).days
    high = (date(2022, 12, 9) - date(2017, 12, 20)).days
    assert (case["lag_min"], case["lag_max"], case["exact"]) == (low, high, False)
    assert case["lag"] == f"{low}..{high}"
    assert found.summary["cases"] == len(found.cases)
    assert found.summary["exact"] == sum(1 for c in found.cases if c["exact"])


def test_network_gap_from_ofac_linked_to(frame: Frame) -> None:
    """AKHMAT MMA (us-ofac:30608) has `Linked To: KADYROV, Ramzan Akhmatovich.` in
    us-ofac/2021-04-25/sdn.csv.gz; Australia lists KADYROV (Ukraine regime) and not AKHMAT
    MMA (au-dfat/2024-12-17/regulation8_consolidated.xlsx)."""
    row = sdn_rows("2021-04-25")["30608"]
    assert "Linked To: KADYROV, Ramzan Akhmatovich" in row[11]
    rows = network_gaps(frame, GapQuery("US", ("AU",)))
    mma = _target(frame, "us-ofac:30608")
    hit = [r for r in rows if r["associate_id"] == mma]
    assert hit and hit[0]["principal"].startswith("KADYROV, Ramzan")
    assert hit[0]["principal_in"].startswith("AU-")
    assert hit[0]["stated_by"] == "us-ofac:30608"


def test_frame_is_cached_per_store_state(resolved_store) -> None:  # type: ignore[no-untyped-def]
    assert load_frame(resolved_store) is load_frame(resolved_store)
