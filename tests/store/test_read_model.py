"""The one designation read model on the whole mirror: dates by rule, relabels, grounds,
and every consumer (command, target page, coverage, gaps, lags, report, export) telling the
same story. Facts are pinned to named snapshots and checked against the raw files with the
readers in tests/analysis/rawfiles.py, not with Concord's parsers."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date

from click.testing import CliRunner

from concord.analysis.coverage import coverage
from concord.analysis.frame import Filter, load_frame, short
from concord.analysis.gaps import GapQuery, gaps
from concord.analysis.lags import lags
from concord.analysis.timeline import timeline
from concord.cli.main import cli
from concord.model.dates import DateInterval
from concord.model.regimes import registry
from concord.report.build import build_report
from concord.store import Store
from concord.store.designations import designation_set
from concord.web.views import target_page
from tests.analysis.rawfiles import conlist_rows, dfat_rows, sdn_rows

SIX = ("US", "UK", "CA", "EU", "AU", "UN")


def _one(store: Store, entry_key: str, regime: str):  # type: ignore[no-untyped-def]
    found = [d for d in designation_set(store).by_entry[entry_key] if d.regime == regime]
    assert len(found) == 1, found
    return found[0]


def test_uk_global_human_rights_designations_take_the_date_designated(mirror_store) -> None:  # type: ignore[no-untyped-def]
    """gb-ofsi/2025-04-14/ConList.xlsx: Ratushniak (12892), Zakharchenko (12893) and Pshonka
    (12894) under Global Human Rights say Listed On 06/03/2014 (the earlier Ukraine regime)
    and UK Sanctions List Date Designated 31/12/2020; the regime began on 2020-07-06."""
    raw = conlist_rows("2025-04-14")
    for group in ("12892", "12893", "12894"):
        row = raw[group]
        assert row["Regime"] == "Global Human Rights"
        assert (row["Listed On"], row["UK Sanctions List Date Designated"]) == (
            "06/03/2014", "31/12/2020")  # fmt: skip
        found = _one(mirror_store, f"gb-ofsi:{group}", "GB-HR")
        assert found.listed == DateInterval.exact(date(2020, 12, 31))
        assert found.listed_basis == "regime date"


def test_no_magnitsky_class_designation_is_dated_before_its_regime(mirror_store) -> None:  # type: ignore[no-untyped-def]
    reg = registry()
    magnitsky = [d for d in designation_set(mirror_store).all if d.magnitsky]
    assert len(magnitsky) > 1000
    early = []
    for d in magnitsky:
        start = reg.get(d.regime).in_force  # type: ignore[union-attr]
        if d.listed.until < start or (d.listed.earliest and d.listed.earliest < start):
            early.append((d.entry_key, d.regime, str(d.listed)))
    assert early == []


def test_dfat_relabel_of_thematic_listings_is_the_same_designation(
    mirror_store: Store, resolved_store: Store
) -> None:
    """au-dfat/2022-05-05 files References 6830 and 6855 under "Autonomous (Thematic)" with
    Control Date 2022-03-30; au-dfat/2024-12-17 files them under "... Human Rights" and
    "... Corruption". One designation each, listed on or before 2022-03-30, never delisted."""
    old, new = dfat_rows("2022-05-05"), dfat_rows("2024-12-17")
    for ref, regime in (("6830", "AU-HUMAN"), ("6855", "AU-CRP")):
        assert old[ref] == {"committees": "Autonomous (Thematic)", "control_date": "2022-03-30"}
        assert new[ref]["committees"].startswith("Autonomous (Thematic ")
        held = [d for d in designation_set(mirror_store).by_entry[f"au-dfat:{ref}"] if d.magnitsky]
        assert [d.regime for d in held] == [regime]
        found = held[0]
        assert found.listed.until == date(2022, 3, 30)
        assert found.delisted is None and len(found.runs) == 1 and found.in_force()
        assert found.runs[0].holds(date(2023, 6, 1))
    relabelled = [d for d in designation_set(mirror_store).all
                  if "relabelled from AU-THEMATIC" in d.warnings]  # fmt: skip
    assert len(relabelled) == 39
    # No false spike: none of them counts as new in the quarter of the 2024 file.
    rows = timeline(load_frame(resolved_store), Filter())
    entries = {key for r in rows if r["quarter"] == "2024Q4" and r["jurisdiction"] == "AU"
               for key in r.get("entries", "").split(", ")}  # fmt: skip
    assert not entries & {d.entry_key for d in relabelled}


def test_a_relisted_designation_keeps_its_first_date_and_says_when_it_came_back(
    mirror_store: Store, resolved_store: Store
) -> None:
    """us-ofac:11317 (National Iranian Oil Company): IRAN in us-ofac/2015-01-17, absent from
    2018-01-28 (delisted under the JCPOA), IRAN again in 2019-01-04."""
    assert "IRAN" in sdn_rows("2015-01-17")["11317"][3]
    assert "11317" not in sdn_rows("2018-01-28")
    assert "IRAN" in sdn_rows("2019-01-04")["11317"][3]
    found = _one(mirror_store, "us-ofac:11317", "US-IRAN")
    assert found.listed.until == date(2015, 1, 17)
    assert found.relisted == DateInterval(date(2018, 1, 28), date(2019, 1, 4))
    listing = next(x for x in load_frame(resolved_store).listings
                   if (x.entry_key, x.regime) == ("us-ofac:11317", "US-IRAN"))  # fmt: skip
    assert listing.listed == found.listed


def test_a_rekeyed_entry_carries_its_designation(resolved_store: Store) -> None:
    """OFAC listed Ramzan Kadyrov twice: us-ofac:36459 (RUSSIA-EO14024 among its tags) and
    23343 (MAGNIT, GLOMAG). Between us-ofac/2022-11-09 and 2022-11-14 it merged them: 36459
    is gone and 23343 carries RUSSIA-EO14024. The designation under US-RUSHAR is one, dated
    as 36459's was, not a new one of November 2022."""
    before, after = sdn_rows("2022-11-09"), sdn_rows("2022-11-14")
    assert "RUSSIA-EO14024" in before["36459"][3] and "RUSSIA-EO14024" not in before["23343"][3]
    assert "36459" not in after and "RUSSIA-EO14024" in after["23343"][3]
    old = _one(resolved_store, "us-ofac:36459", "US-RUSHAR")
    new = _one(resolved_store, "us-ofac:23343", "US-RUSHAR")
    assert old.target_id == new.target_id is not None
    assert old.runs[-1].end == date(2022, 11, 14) == new.first_seen
    assert new.listed == old.listed and new.listed.until < date(2022, 11, 9)
    assert "re-keyed from us-ofac:36459" in new.warnings


def test_glomag_grounds_are_unstated_and_the_filter_says_so(resolved_store: Store) -> None:
    frame = load_frame(resolved_store)
    found = _one(resolved_store, "us-ofac:23288", "US-GLOMAG")  # TESIC, GLOMAG
    assert (found.grounds_basis, found.grounds) == ("unstated", ("human_rights", "corruption"))
    assert _one(resolved_store, "gb-ofsi:12892", "GB-HR").grounds_basis == "regime"
    counts = {}
    for ground in ("human_rights", "corruption"):
        for unstated in ("include", "exclude"):
            rows = gaps(frame, GapQuery("US", ("UK",), Filter(ground, "magnitsky", unstated)))
            counts[ground, unstated] = len(rows)
            if unstated == "exclude":
                assert not any(r["ground"].startswith("unstated") for r in rows)
    # Included, GLOMAG rows count under both grounds; excluded, none is left: the US list
    # states the ground of no Magnitsky-class designation (GLOMAG and the 2012 Act both
    # cover human rights and corruption).
    assert counts["human_rights", "include"] == counts["corruption", "include"] > 500
    assert counts["human_rights", "exclude"] == counts["corruption", "exclude"] == 0
    # The UK's regimes state their ground: its two lists differ.
    uk = {g: gaps(frame, GapQuery("UK", ("US",), Filter(g, "magnitsky", "exclude")))
          for g in ("human_rights", "corruption")}  # fmt: skip
    assert uk["human_rights"] and uk["corruption"]
    assert {r["regime"] for r in uk["human_rights"]} == {"GB-HR"}
    assert {r["regime"] for r in uk["corruption"]} == {"GB-AC"}
    result = CliRunner().invoke(cli, ["--database", resolved_store.url, "gaps",
                                      "--designated-by", "US", "--missing", "UK",
                                      "--grounds", "human_rights", "--format", "csv"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "state the ground (included; --unstated exclude leaves them out)" in result.output


def test_every_consumer_tells_the_same_designations(resolved_store: Store) -> None:
    """Every current designation of the six jurisdictions' lists, as the designations
    command, the export, the analysis frame, coverage, gaps, lags, the report and the target
    page give it: the same regime and the same listed date everywhere."""
    model = designation_set(resolved_store)
    truth = {(d.entry_key, d.regime): d.listed for d in model.select()
             if d.regime is not None and d.jurisdiction in SIX}  # fmt: skip
    assert len(truth) > 20_000

    runner = CliRunner()
    for args in (["designations"], ["export", "--what", "designations"]):
        result = runner.invoke(cli, ["--database", resolved_store.url, *args, "--format", "json"])
        assert result.exit_code == 0, result.output
        told = {(r["entry_key"], r["regime"]): r["listed"] for r in json.loads(result.output)
                if r["regime"] is not None and r["jurisdiction"] in SIX}  # fmt: skip
        assert told == {k: str(v) for k, v in truth.items()}, args

    frame = load_frame(resolved_store)
    every = Filter("any", "all")
    assert {(x.entry_key, x.regime): x.listed for x in frame.select(every)} == truth

    # Coverage cells: "REGIME listed" per designation, per target and jurisdiction.
    target_of = {x.entry_key: x.target_id for x in frame.listings}
    expected: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for (key, regime), listed in truth.items():
        expected[target_of[key], _jurisdiction(key)][f"{regime} {short(listed)}"] += 1
    cells: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for row in coverage(frame, every):
        for j in SIX:
            for part in filter(None, row[j].split("; ")):
                cells[row["target_id"], j][part.strip("()")] += 1
    assert {k: v for k, v in cells.items() if v} == {k: v for k, v in expected.items() if v}

    report = build_report(frame, Filter())
    for pair, rows in report.gaps.items():
        leader, missing = pair.split("-")
        assert rows == gaps(frame, GapQuery(leader, (missing,), Filter()))
        for r in rows:
            assert r["listed"] == short(truth[r["entry_key"], r["regime"]]), r
    for leader, follower in (("US", "UK"), ("US", "CA"), ("UK", "AU")):
        for case in lags(frame, leader, follower, Filter()).cases:
            first, second = case["entries"].split(", ")
            assert case["leader_listed"] == short(truth[first, case["leader_regime"]])
            assert case["follower_listed"] == short(truth[second, case["follower_regime"]])

    # Target pages: every target on two or more lists with a Magnitsky-class designation.
    held = {tid: {y.jurisdiction for y in xs} for tid, xs in frame.by_target.items()}
    shared = sorted({x.target_id for x in frame.select(Filter()) if len(held[x.target_id]) > 1})
    assert len(shared) > 200
    for tid in shared:
        for entry in target_page(resolved_store, tid)["entries"]:
            for d in entry["designations"]:
                key = (entry["entry_key"], d["regime"])
                if key in truth and d["runs"][-1]["end"] is None:
                    assert d["listed"]["text"] == str(truth[key]), key


def _jurisdiction(entry_key: str) -> str:
    from concord.model.jurisdictions import of_source

    return of_source(entry_key) or ""
