"""Writes made through the web application: checked here, written (with their audit rows)
by the library functions every interface uses."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from concord.errors import NotFound
from concord.resolve import judgements
from concord.screen import get_index
from concord.screen.decisions import decide
from concord.store import Store
from concord.store.tables import entries


def record_judgement(
    store: Store, actor: str, a: str, b: str, verdict: str, note: str | None = None
) -> dict[str, Any]:
    """Record `actor`'s verdict on entries A and B; the audit row keeps the verdict it
    replaces. BadInput for a bad verdict or key, NotFound for a key the store lacks."""
    item = judgements.make(a, b, verdict, note or None, by=actor)
    with store.read() as conn:
        held = set(conn.scalars(sa.select(entries.c.entry_key).where(
            entries.c.entry_key.in_((item.key_a, item.key_b)))))  # fmt: skip
    missing = [k for k in (item.key_a, item.key_b) if k not in held]
    if missing:
        raise NotFound(f"no entry {missing[0]!r} in the store")
    judgements.record(store, [item])  # with its audit row, in one transaction
    return item.as_dict()


def record_decision(
    store: Store, actor: str, customer_id: str, target_id: str, verdict: str, note: str = ""
) -> dict[str, Any]:
    """Record `actor`'s verdict on a screening hit (customer, target); a false positive
    silences the hit for that customer until the target's data changes."""
    made = decide(store, get_index(store), customer_id, target_id, verdict, note, by=actor)
    return {**made.as_dict(), "created_at": made.created_at.isoformat()}
