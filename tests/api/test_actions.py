"""A write through the web application and its audit row stand or fall together."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from concord.api.actions import record_judgement
from concord.ingest import ingest_files
from concord.resolve import judgements
from concord.store import Store
from concord.store.tables import audit_log
from tests.conftest import MIRROR

UN = MIRROR / "un-sc" / "2025-04-19" / "consolidated.xml"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(f"sqlite:///{tmp_path / 'un.sqlite'}")
    ingest_files(store, "un-sc", date(2025, 4, 19), [UN])
    return store


def _two_keys(store: Store) -> tuple[str, str]:
    with store.read() as conn:
        keys = conn.scalars(sa.text("SELECT entry_key FROM entries ORDER BY entry_key LIMIT 2"))
        a, b = list(keys)
    return a, b


def test_a_judgement_is_audited_in_its_own_transaction(store: Store) -> None:
    a, b = _two_keys(store)
    record_judgement(store, "ana", a, b, "different", "two people")
    with store.read() as conn:
        rows = conn.execute(sa.select(audit_log)).all()
    assert [(r.actor, r.action, r.after["verdict"]) for r in rows] == [
        ("ana", "judgement.record", "different")
    ]


def test_no_judgement_is_kept_when_its_audit_row_cannot_be_written(store: Store) -> None:
    a, b = _two_keys(store)
    with store.begin() as conn:  # the audit log is gone: every audited write must fail
        conn.exec_driver_sql("DROP TABLE audit_log")
    with pytest.raises(sa.exc.OperationalError):
        record_judgement(store, "ana", a, b, "same")
    assert judgements.current(store) == {}
