"""Helpers of the screening tests: a private, writable copy of the session's resolved store
(which is read-only), for tests that record decisions. Customer files are made in each test
from names the store holds (read from the real official files), never committed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from concord.store import Store


def copy_store(store: Store, target: Path) -> Store:
    """A consistent copy of a SQLite store (WAL included) at `target`."""
    database = store.engine.url.database
    assert database, "the session store is a SQLite file"
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    with copy:
        source.backup(copy)
    source.close()
    copy.close()
    return Store(f"sqlite:///{target}")
