"""Incremental resolution: after a new snapshot only the changed entries are scored, and the
targets are exactly those a full run gives."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from concord.cli.main import cli
from concord.ingest import ingest_files
from concord.resolve import judgements
from concord.resolve.blocking import Blocks
from concord.resolve.profiles import load_profiles
from concord.resolve.run import resolve
from concord.store import Store
from concord.store.tables import entries, match_pairs, target_members
from tests.conftest import MIRROR

FIRST = [("ca-sema", "2022-05-11", "sema-lmes.xml"), ("un-sc", "2025-04-19", "consolidated.xml"),
         ("au-dfat", "2022-05-05", "regulation8_consolidated.xls")]  # fmt: skip
LATER = [("ca-sema", "2025-05-25", "sema-lmes.xml"), ("un-sc", "2026-02-27", "consolidated.xml")]


def _ingest(store: Store, snapshots: list[tuple[str, str, str]]) -> None:
    for source, day, name in snapshots:
        ingest_files(store, source, date.fromisoformat(day), [MIRROR / source / day / name])


def _state(store: Store) -> tuple[set[tuple[str, str]], set[tuple[Any, ...]]]:
    with store.read() as conn:
        members = {(r.entry_key, r.target_id) for r in conn.execute(sa.select(target_members))}
        pairs = {(r.key_a, r.key_b, round(r.score, 9), r.decision)
                 for r in conn.execute(sa.select(match_pairs))}  # fmt: skip
    return members, pairs


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('incr') / 'incr.sqlite'}")
    _ingest(store, FIRST)
    first = resolve(store)
    assert first.full and first.changed == first.profiles
    return store


def test_new_snapshots_score_only_changed_entries_and_match_a_full_run(store: Store) -> None:
    before = resolve(store)  # nothing changed: no profile read again, no pair scored
    assert not before.full and before.changed == 0 and before.removed == 0
    assert before.rebuilt == 0 and before.scored == 0
    _ingest(store, LATER)
    incremental = resolve(store)
    assert not incremental.full
    assert 0 < incremental.changed < incremental.profiles
    assert 0 < incremental.rebuilt < incremental.profiles  # the rest came from the cache
    # Entries delisted between the Canadian or UN snapshots keep their profile (from their
    # last statements), changed only in being delisted: rescored, not removed.
    assert incremental.removed == 0
    with store.read() as conn:
        delisted = set(conn.execute(sa.select(entries.c.entry_key).where(
            entries.c.present.is_(False))).scalars())  # fmt: skip
    assert delisted and delisted <= {key for key, _ in _state(store)[0]}
    after_incremental = _state(store)
    full = resolve(store, full=True)
    assert full.full and incremental.scored < full.scored
    assert _state(store) == after_incremental
    assert (incremental.targets, incremental.multi) == (full.targets, full.multi)


def test_a_judgement_applies_in_an_incremental_run(store: Store) -> None:
    resolve(store)
    members, _ = _state(store)
    targets: dict[str, list[str]] = {}
    for key, tid in members:
        targets.setdefault(tid, []).append(key)
    a, b = sorted(next(keys for keys in targets.values() if len(keys) == 2))
    judgements.record(store, [judgements.make(a, b, "different", "split", by="test")])
    report = resolve(store)
    assert not report.full
    split = dict(_state(store)[0])
    assert split[a] != split[b]
    judgements.record(store, [judgements.make(a, b, "unsure", "withdrawn", by="test")])
    resolve(store)
    rejoined = dict(_state(store)[0])
    assert rejoined[a] == rejoined[b]  # the withdrawn judgement leaves the score to decide


def test_ingest_resolves_unless_told_not_to(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    source, day, name = FIRST[1]
    args = ["--database", db, "ingest", "--source", source, "--date", day,
            str(MIRROR / source / day / name)]  # fmt: skip
    out = CliRunner().invoke(cli, [*args[:-1], "--no-resolve", args[-1]])
    assert out.exit_code == 0, out.output
    assert "resolved" not in out.output
    source, day, name = LATER[1]
    out = CliRunner().invoke(cli, ["--database", db, "ingest", "--source", source, "--date",
                                   day, str(MIRROR / source / day / name)])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert "resolved (full)" in out.output  # the first resolution of this store
    out = CliRunner().invoke(cli, ["--database", db, "resolve"])
    assert "resolved (incremental: 0 entries new or changed, 0 gone)" in out.output


def test_stored_pairs_are_drawn_pairs_and_an_incremental_draw_is_the_full_one(
    store: Store,
) -> None:
    """Every pair a run keeps is one blocking draws (pairs a clustering guard scored on the
    way are used, not kept: they depend on merge order), which is what lets the next run
    take a kept pair between unchanged entries as it is; and drawing the pairs of some
    entries alone gives the very pairs a full enumeration gives them."""
    resolve(store)
    profiles = load_profiles(store)
    blocks = Blocks(profiles)
    drawn = set(blocks.pairs())
    index = {p.entry_key: i for i, p in enumerate(profiles)}
    with store.read() as conn:
        kept = conn.execute(sa.select(match_pairs.c.key_a, match_pairs.c.key_b)).all()
    assert kept and all((index[a], index[b]) in drawn for a, b in kept)
    some = set(range(0, len(profiles), 7))
    assert set(blocks.pairs(only=some)) == {p for p in drawn if some & set(p)}
