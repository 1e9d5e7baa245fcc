"""The same ingest on a real PostgreSQL database (created and dropped by the test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from concord.ingest import ingest_mirror
from concord.store import Store
from concord.store.queries import designations, sources_summary


@pytest.mark.postgres
def test_postgres_store_matches_sqlite(pg_url: str, mirror: Path, tmp_path: Path) -> None:
    only = {"ca-sema", "au-dfat"}
    folders = [f for source in sorted(only) for f in sorted((mirror / source).iterdir())]
    pg = Store(pg_url)
    lite = Store(f"sqlite:///{tmp_path / 'l.sqlite'}")
    for store in (pg, lite):
        report = ingest_mirror(store, mirror, only=only)
        assert report.refused == [] and report.count("added") == len(folders)
        added = {(o.source, o.observed.isoformat()) for o in report.outcomes}
        assert {("ca-sema", "2020-04-15"), ("ca-sema", "2025-10-13")} <= added
        assert ("au-dfat", "2024-12-17") in added
    assert sources_summary(pg) == sources_summary(lite)
    assert [d.as_dict() for d in designations(pg)] == [d.as_dict() for d in designations(lite)]
    again = ingest_mirror(pg, mirror, only=only)
    assert again.count("unchanged") == len(folders)
    pg.dispose()
