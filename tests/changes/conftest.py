"""Fixtures of the change-tracking tests.

`changes_store`: four US snapshots around the December 2022 and December 2023 GLOMAG
actions, one UK (OFSI) and one Canadian snapshot, real files of the mirror read by path,
ingested and resolved once per session into a temporary SQLite store (read-only).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from concord.api.app import create_app
from concord.ingest import ingest_files
from concord.resolve.run import resolve
from concord.store import Store
from tests.conftest import MIRROR

SNAPSHOTS = [
    ("us-ofac", "2022-12-08"),
    ("us-ofac", "2022-12-09"),
    ("us-ofac", "2023-12-08"),
    ("us-ofac", "2023-12-11"),
    ("gb-ofsi", "2023-06-05"),
    ("ca-sema", "2025-05-25"),
]


@pytest.fixture(scope="session")
def changes_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('changes') / 'lists.sqlite'}")
    for source, day in SNAPSHOTS:
        files = sorted((MIRROR / source / day).iterdir())
        ingest_files(store, source, date.fromisoformat(day), files)
    resolve(store, full=True)
    return store


@pytest.fixture(scope="module")
def changes_client(changes_store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(changes_store, secret="test-secret"),
                    raise_server_exceptions=False) as client:  # fmt: skip
        yield client
