"""False-positive decisions: silent on re-screening until the target's data changes.

The change is a real one: the UN list of 2025-04-19, then that of 2026-02-27, which
changed some entries and left most alone.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from concord.errors import NotFound
from concord.ingest import ingest_files
from concord.resolve.run import resolve
from concord.screen import Query, decide, decisions, get_index, screen
from concord.screen.decisions import apply, suppressions
from concord.screen.index import ScreenIndex, TargetInfo
from concord.store import Store


def _hit_suppressed(index: ScreenIndex, store: Store, target: TargetInfo, customer: str) -> bool:
    query = Query([target.caption], target.schema, threshold=0.0, limit=10)
    hits = apply(screen(index, query), customer, suppressions(store))
    return next(h for h in hits if h.target.target_id == target.target_id).suppressed


def test_false_positive_is_silenced_until_the_target_changes(mirror: Path, tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'un.sqlite'}")
    ingest_files(store, "un-sc", date(2025, 4, 19), [mirror / "un-sc/2025-04-19/consolidated.xml"])
    resolve(store)
    before = get_index(store)
    for target in before.targets:
        decide(store, before, "cust-1", target.target_id, "false-positive", "other person")
    ingest_files(store, "un-sc", date(2026, 2, 27), [mirror / "un-sc/2026-02-27/consolidated.xml"])
    resolve(store)
    after = get_index(store)
    assert after is not before
    old = {t.target_id: t.fingerprint for t in before.targets}
    changed = [t for t in after.targets if old.get(t.target_id, t.fingerprint) != t.fingerprint]
    same = [t for t in after.targets if old.get(t.target_id) == t.fingerprint]
    assert changed and same
    assert _hit_suppressed(after, store, same[0], "cust-1")
    assert not _hit_suppressed(after, store, changed[0], "cust-1")
    assert not _hit_suppressed(after, store, same[0], "cust-2")  # decisions are per customer


def test_latest_decision_wins_and_unknown_targets_are_refused(mirror: Path, tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'un.sqlite'}")
    ingest_files(store, "un-sc", date(2025, 4, 19), [mirror / "un-sc/2025-04-19/consolidated.xml"])
    resolve(store)
    index = get_index(store)
    target = index.targets[0]
    decide(store, index, "c9", target.target_id, "false-positive")
    decide(store, index, "c9", target.target_id, "true-match", "confirmed by passport")
    assert [d.verdict for d in decisions(store, "c9")] == ["true-match"]
    assert not _hit_suppressed(index, store, target, "c9")
    with pytest.raises(NotFound):
        decide(store, index, "c9", "ct-000000000000", "false-positive")
