"""The statement-level diff on PostgreSQL: two real US snapshots."""

from __future__ import annotations

from datetime import date

from concord.ingest import ingest_files
from concord.store import Store
from concord.store.changes import diff, entry_history
from tests.conftest import MIRROR


def test_diff_on_postgresql(pg_url: str) -> None:
    store = Store(pg_url)
    try:
        for day in ("2023-12-08", "2023-12-11"):
            files = sorted((MIRROR / "us-ofac" / day).iterdir())
            ingest_files(store, "us-ofac", date.fromisoformat(day), files)
        found = diff(store, "us-ofac", date(2023, 12, 8), date(2023, 12, 11))
        assert found.summary()["added"] == 46 and found.count("amended") == 0
        [added] = entry_history(store, ["us-ofac:44196"])
        assert (added.name, added.day, added.before) == (
            "RAHMANI, Ajmal",
            date(2023, 12, 11),
            date(2023, 12, 8),
        )
    finally:
        store.dispose()
