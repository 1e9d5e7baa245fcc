"""Cross-list links an analyst would make, on the real mirror: one test per kind of case
(a name-only Canadian entry, an initial, a spelling, day and month swapped, birth dates that
conflict, a delisted entry), each pinned on named entries a person can look up in the raw
files. Entry keys are those of the snapshots named in the comments."""

from __future__ import annotations

import json

import sqlalchemy as sa
from click.testing import CliRunner

from concord.analysis.frame import Filter, load_frame
from concord.analysis.gaps import GapQuery, delisting_gaps, gaps
from concord.cli.main import cli
from concord.resolve.run import scored_profiles
from concord.resolve.score import compare
from concord.store import Store
from concord.store.tables import entries, match_pairs, target_members


def _target(store: Store, key: str) -> str:
    with store.read() as conn:
        found = conn.execute(sa.select(target_members.c.target_id).where(
            target_members.c.entry_key == key)).scalar_one()  # fmt: skip
    return str(found)


def _score(store: Store, a: str, b: str):  # type: ignore[no-untyped-def]
    profiles = {p.entry_key: p for p in scored_profiles(store, {a, b})}
    return compare(profiles[a], profiles[b])


def test_name_only_canadian_entries_join_through_their_regime(resolved_store: Store) -> None:
    # ca-sema 2025-10-13, China schedule items 1-4 (DateOfListing 2021-03-21, no birth date):
    # the Xinjiang officials the US (GLOMAG) and the UK (Global Human Rights) list too.
    pairs = {"ca-sema:China:P1:1": "us-ofac:29219", "ca-sema:China:P1:3": "us-ofac:29162"}
    for ca, us in pairs.items():
        assert _target(resolved_store, ca) == _target(resolved_store, us)
    kinds = {f.name for f in _score(resolved_store, "ca-sema:China:P1:1", "gb-ofsi:14078").features}
    assert {"regime", "listed_together"} <= kinds  # China regime ~ UK national; 1 day apart
    frame = load_frame(resolved_store)
    rows = gaps(frame, GapQuery("US", ("CA",)))
    assert not {r["entry_key"] for r in rows} & set(pairs.values())


def test_an_initial_stands_for_the_patronymic(resolved_store: Store) -> None:
    # us-ofac 2024-05-03 ent 15895 "STEPANOVA, Olga G." (DOB 29 Jul 1962) and gb-ofsi
    # 2025-04-14 group 14099 "Olga Germanovna STEPANOVA" (29/07/1962).
    assert _target(resolved_store, "us-ofac:15895") == _target(resolved_store, "gb-ofsi:14099")
    name = next(f for f in _score(resolved_store, "us-ofac:15895", "gb-ofsi:14099").features
                if f.name == "name")  # fmt: skip
    assert name.weight == 3.0 and name.similarity is not None and name.similarity > 0.97


def test_spellings_of_one_name_agree(resolved_store: Store) -> None:
    # KATAEV: "Aiub" in the UK list, "Ayub Vakhaevich" in the US and Canadian lists.
    keys = ("us-ofac:23248", "gb-ofsi:14006", "ca-sema:JVCFOR:78")
    assert len({_target(resolved_store, k) for k in keys}) == 1
    name = next(f for f in _score(resolved_store, "gb-ofsi:14006", "ca-sema:JVCFOR:78").features
                if f.name == "name")  # fmt: skip
    assert "spelling 'aiub' / 'ayub'" in name.detail and "'vakhaevich' missing" in name.detail


def test_day_and_month_swapped_is_said_so(resolved_store: Store) -> None:
    # Ilan SHOR: UK 03/06/1987, US "SHOR, Ilan Mironovich" 06 Mar 1987 written the other way.
    score = _score(resolved_store, "gb-ofsi:15661", "us-ofac:39597")
    dob = next(f for f in score.features if f.name == "birth_date")
    assert dob.detail.startswith("day and month swapped") and dob.weight > 0
    assert not score.conflict
    assert _target(resolved_store, "gb-ofsi:15661") == _target(resolved_store, "us-ofac:39597")


def test_conflicting_birth_dates_make_a_possible_match_not_a_bare_gap(
    resolved_store: Store,
) -> None:
    # AL ASIRI, Ahmad Hassan Mohammed: UK 12/02/1952, US 15 Oct 1966; both human-rights
    # listings of the Khashoggi case. Kept apart, and the US-not-UK row says why.
    score = _score(resolved_store, "gb-ofsi:13894", "us-ofac:31162")
    assert score.conflict and score.unconflicted >= 0.7
    frame = load_frame(resolved_store)
    [row] = [r for r in gaps(frame, GapQuery("US", ("UK",))) if r["entry_key"] == "us-ofac:31162"]
    assert row["possible_match"]["entry_key"] == "gb-ofsi:13894"
    assert "conflict" in row["possible_match"]["why"]
    strict = gaps(frame, GapQuery("US", ("UK",), exclude_possible=True))
    assert "us-ofac:31162" not in {r["entry_key"] for r in strict}
    assert len(strict) < len(gaps(frame, GapQuery("US", ("UK",))))


def test_compare_gives_the_score_the_run_kept(resolved_store: Store) -> None:
    # The run marks name rarity on its profiles; `compare` reads the same marks.
    with resolved_store.read() as conn:
        rows = conn.execute(sa.select(match_pairs).where(
            match_pairs.c.key_a.in_(("ca-sema:JVCFOR:1", "ca-sema:China:P1:1")))).all()  # fmt: skip
    assert rows
    for row in rows:
        score = _score(resolved_store, row.key_a, row.key_b)
        assert round(score.score, 6) == round(row.score, 6)
        assert [f.as_dict() for f in score.features] == row.features


def test_delisted_entries_resolve_and_make_delisting_gaps(resolved_store: Store) -> None:
    with resolved_store.read() as conn:
        delisted = set(conn.execute(sa.select(entries.c.entry_key).where(
            entries.c.present.is_(False))).scalars())  # fmt: skip
        members = dict(conn.execute(sa.select(target_members.c.entry_key,
                                              target_members.c.target_id)).all())  # fmt: skip
    assert delisted and delisted <= set(members)
    # FISUN, Aleksey Leonidovich: gone from the US list by 2024-05-03 (ent 35973), still on
    # the UK's 2025-04-14 list (group 15525): one target, and a delisting gap.
    assert members["us-ofac:35973"] == members["gb-ofsi:15525"]
    rows = delisting_gaps(load_frame(resolved_store), Filter("any", "all"))
    assert any(r["entry_key"] == "us-ofac:35973" and r["delisted_by"] == "US" for r in rows)


def test_gap_json_rows_carry_possible_match(resolved_store: Store) -> None:
    result = CliRunner().invoke(cli, ["--database", resolved_store.url, "gaps",
                                      "--designated-by", "US", "--missing", "UK,CA",
                                      "--regimes", "magnitsky", "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and all("possible_match" in r for r in rows)
    assert any(r["possible_match"] is None for r in rows)
    flagged = [r for r in rows if r["possible_match"]]
    assert flagged and all({"entry_key", "score", "why"} <= set(r["possible_match"])
                           for r in flagged)  # fmt: skip


def test_targets_are_found_by_name_in_any_order_script_or_case(resolved_store: Store) -> None:
    from concord.resolve.run import target
    from concord.web.views import search_targets

    chen = _target(resolved_store, "us-ofac:29220")  # CHEN, Quanguo
    for typed in ("Chen Quanguo", "quanguo chen", "陈全国"):
        assert target(resolved_store, typed)["target_id"] == chen, typed
    assert target(resolved_store, "zhu hailun")["target_id"] == _target(
        resolved_store, "us-ofac:29219"
    )
    found = search_targets(resolved_store, "陈全国")["targets"]
    assert chen in {t["target_id"] for t in found}
