"""Writes made through the web application, each recorded in the audit log."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from concord.api import audit
from concord.errors import NotFound
from concord.resolve import judgements
from concord.screen import decisions, get_index
from concord.screen.decisions import make_decision
from concord.screen.decisions import save as save_decision
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
    previous = judgements.current(store).get((item.key_a, item.key_b))
    after = item.as_dict()
    with store.begin() as conn:  # the judgement and its audit row stand or fall together
        judgements.insert(conn, [item])
        audit.write(conn, actor, "judgement.record", f"{item.key_a} ~ {item.key_b}",
                    previous.as_dict() if previous else None, after)  # fmt: skip
    return after


def record_decision(
    store: Store, actor: str, customer_id: str, target_id: str, verdict: str, note: str = ""
) -> dict[str, Any]:
    """Record `actor`'s verdict on a screening hit (customer, target); a false positive
    silences the hit for that customer until the target's data changes."""
    held = [d for d in decisions(store, customer_id) if d.target_id == target_id]
    made = make_decision(get_index(store), customer_id, target_id, verdict, note, by=actor)
    after = {**made.as_dict(), "created_at": made.created_at.isoformat()}
    before = None
    if held:
        before = {**held[-1].as_dict(), "created_at": held[-1].created_at.isoformat()}
    with store.begin() as conn:  # the decision and its audit row stand or fall together
        save_decision(conn, made)
        audit.write(conn, actor, "screening.decide", f"{customer_id} ~ {target_id}", before,
                    after)  # fmt: skip
    return after
