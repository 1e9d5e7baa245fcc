"""Ingest of the real mirror: snapshots, history, refusal of bad input, atomicity."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from concord.ingest import ingest_files, ingest_mirror
from concord.store import Store
from concord.store.statement_table import statements
from concord.store.tables import snapshots
from tests.conftest import BAD

# Facts of named snapshots (PROVENANCE.md), never mirror totals: the mirror grows.
ENTRIES = {
    ("us-ofac", "2024-05-03"): 14965,
    ("us-ofac", "2021-01-14"): 8754,
    ("gb-ofsi", "2025-04-14"): 4688,
    ("gb-ofsi", "2018-04-13"): None,  # the 2018 CSV layout: checked in test_gb_ofsi
    ("ca-sema", "2025-05-25"): 4759,
    ("ca-sema", "2025-10-13"): 5090,
    ("au-dfat", "2024-12-17"): 3062,
    ("un-sc", "2026-02-27"): 1003,
}


def _folders(mirror: Path) -> set[tuple[str, str]]:
    """Every (source, date) folder of the mirror that a known source reads."""
    from concord.sources.registry import sources

    return {
        (source.name, folder.name)
        for source in mirror.iterdir()
        if source.is_dir() and source.name in sources()
        for folder in source.iterdir()
        if folder.is_dir()
    }


def _counts(store: Store) -> tuple[int, int, int]:
    with store.read() as conn:
        stmts = conn.execute(sa.select(sa.func.count()).select_from(statements)).scalar_one()
        open_ = conn.execute(
            sa.select(sa.func.count())
            .select_from(statements)
            .where(statements.c.last_snapshot.is_(None))
        ).scalar_one()
        snaps = conn.execute(sa.select(sa.func.count()).select_from(snapshots)).scalar_one()
    return stmts, open_, snaps


def test_whole_mirror_ingests_without_refusals(mirror_store: Store, mirror: Path) -> None:
    report = mirror_store.ingest_report  # type: ignore[attr-defined]
    assert report.refused == []
    added = {(o.source, o.observed.isoformat()) for o in report.outcomes}
    assert added == _folders(mirror) and set(ENTRIES) <= added


def test_named_snapshots_hold_their_entries(mirror_store: Store) -> None:
    from concord.store.queries import sources_summary

    for (source, day), count in ENTRIES.items():
        [row] = [r for r in mirror_store.snapshot_rows(source) if str(r["effective"]) == day]
        assert row["status"] == "ok", (source, day)
        assert count is None or row["entry_count"] == count, (source, day)
    rows = {r["source"]: r for r in sources_summary(mirror_store)}
    for source, row in rows.items():
        newest = mirror_store.snapshot_rows(source)[-1]
        assert row["entries"] == newest["entry_count"] and row["newest"] == newest["effective"]
    assert rows["us-ofac"]["magnitsky_entries"] >= 694
    assert rows["gb-ofsi"]["magnitsky_entries"] > 190


def test_reingest_changes_nothing(mirror_store: Store, mirror: Path) -> None:
    before = _counts(mirror_store)
    report = ingest_mirror(mirror_store, mirror)
    assert report.count("added") == 0 and report.refused == []
    assert report.count("unchanged") == len(_folders(mirror))
    assert _counts(mirror_store) == before


@pytest.mark.parametrize("bad", sorted(p.name for p in BAD.iterdir()))
def test_every_bad_file_is_refused_and_loses_nothing(mirror_store: Store, bad: str) -> None:
    source = {"us": "us-ofac", "eu": "eu-fsf", "un": "un-sc"}[bad[:2]]
    before = _counts(mirror_store)
    with mirror_store.read() as conn:
        current = mirror_store.current_snapshot(conn, source)
    report = ingest_files(mirror_store, source, date(2099, 1, 1), [BAD / bad])
    [outcome] = report.refused
    assert bad in outcome.message and "\n" not in outcome.message
    assert _counts(mirror_store)[:2] == before[:2]
    with mirror_store.read() as conn:
        assert mirror_store.current_snapshot(conn, source) == current


def test_a_tenth_of_the_list_never_becomes_current(tmp_path: Path, mirror: Path) -> None:
    # Derived at test time from the real 2024-05-03 file: its first tenth of lines, as a
    # truncated download would leave it.
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    real = mirror / "us-ofac" / "2024-05-03" / "sdn.csv.gz"
    assert ingest_files(store, "us-ofac", date(2024, 5, 3), [real]).refused == []
    lines = gzip.decompress(real.read_bytes()).splitlines(keepends=True)
    cut = tmp_path / "sdn.csv"
    cut.write_bytes(b"".join(lines[: len(lines) // 10]))
    report = ingest_files(store, "us-ofac", date(2024, 5, 4), [cut])
    [outcome] = report.refused
    assert "mass delisting" in outcome.message and "10%" in outcome.message
    with store.read() as conn:
        assert store.current_snapshot(conn, "us-ofac")["effective"] == date(2024, 5, 3)  # type: ignore[index]
    assert ingest_files(store, "us-ofac", date(2024, 5, 4), [cut]).refused  # still refused


def test_import_is_atomic(tmp_path: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(f"sqlite:///{tmp_path / 'a.sqlite'}")
    first = mirror / "ca-sema" / "2020-04-15" / "sema-lmes.xml"
    ingest_files(store, "ca-sema", date(2020, 4, 15), [first])
    before = _counts(store)
    from concord.store import writer

    calls = {"n": 0}
    real_close = writer.SnapshotWriter._close_entries

    def dies_midway(self: writer.SnapshotWriter, keys: list[str]) -> None:
        calls["n"] += 1
        raise KeyboardInterrupt("killed in the middle of an import")

    monkeypatch.setattr(writer.SnapshotWriter, "_close_entries", dies_midway)
    second = mirror / "ca-sema" / "2022-05-11" / "sema-lmes.xml"
    with pytest.raises(KeyboardInterrupt):
        ingest_files(store, "ca-sema", date(2022, 5, 11), [second])
    assert calls["n"] == 1
    assert _counts(store) == before
    monkeypatch.setattr(writer.SnapshotWriter, "_close_entries", real_close)
    assert ingest_files(store, "ca-sema", date(2022, 5, 11), [second]).refused == []
    assert _counts(store) != before


def test_an_older_snapshot_added_later_rebuilds_history(tmp_path: Path, mirror: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'o.sqlite'}")
    folder = mirror / "ca-sema"
    ingest_files(store, "ca-sema", date(2025, 5, 25), [folder / "2025-05-25" / "sema-lmes.xml"])
    report = ingest_files(
        store, "ca-sema", date(2020, 4, 15), [folder / "2020-04-15" / "sema-lmes.xml"]
    )
    assert report.refused == []
    rows = store.snapshot_rows("ca-sema")
    assert [r["effective"] for r in rows] == [date(2020, 4, 15), date(2025, 5, 25)]
    with store.read() as conn:
        first = conn.execute(sa.select(sa.func.min(statements.c.first_seen))).scalar_one()
    assert first == date(2020, 4, 15)


def test_a_refusal_names_the_file_not_only_its_folder(tmp_path: Path) -> None:
    """A mirror folder `us-ofac/2024-05-04/` whose sdn.csv is the real empty file of
    ../bad (linked, not copied): the refusal says which file, and why."""
    folder = tmp_path / "mirror" / "us-ofac" / "2024-05-04"
    folder.mkdir(parents=True)
    (folder / "sdn.csv").symlink_to(BAD / "us-ofac-2024-05-04-empty-sdn.csv")
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    report = ingest_mirror(store, tmp_path / "mirror")
    [outcome] = report.refused
    assert outcome.message.endswith("us-ofac/2024-05-04/sdn.csv: file is empty")
