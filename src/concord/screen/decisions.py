"""Analysts' decisions on screening hits, kept per customer and target.

A false positive stops alerting for that customer and target until the target's data
changes: the decision keeps the target's fingerprint (its entries and their content), and a
new or changed entry gives the target a new fingerprint, so the hit alerts again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from concord.errors import BadInput, NotFound
from concord.resolve.judgements import author
from concord.screen.index import ScreenIndex
from concord.screen.query import Hit
from concord.store import Store, audit
from concord.store.tables import screening_decisions

VERDICTS = ("false-positive", "true-match")


@dataclass(frozen=True)
class Decision:
    """The latest verdict on one (customer, target) pair."""

    customer_id: str
    target_id: str
    verdict: str
    fingerprint: str
    note: str
    author: str
    created_at: datetime

    def as_dict(self) -> dict[str, Any]:
        """The flat form for listings."""
        return {"customer_id": self.customer_id, "target_id": self.target_id,
                "verdict": self.verdict, "fingerprint": self.fingerprint, "note": self.note,
                "author": self.author, "created_at": self.created_at}  # fmt: skip


def decide(store: Store, index: ScreenIndex, customer_id: str, target_id: str, verdict: str,
           note: str | None = None, by: str | None = None) -> Decision:  # fmt: skip
    """Record a verdict on a hit; the target's current fingerprint is kept with it, and the
    audit log keeps who decided and the verdict it replaces (same transaction)."""
    made = make_decision(index, customer_id, target_id, verdict, note, by)
    held = [d for d in decisions(store, customer_id) if d.target_id == target_id]
    before = None
    if held:
        before = {**held[-1].as_dict(), "created_at": held[-1].created_at.isoformat()}
    with store.begin() as conn:
        save(conn, made)
        after = {**made.as_dict(), "created_at": made.created_at.isoformat()}
        audit.write(conn, made.author, "screening.decide", f"{customer_id} ~ {target_id}",
                    before, after)  # fmt: skip
    return made


def make_decision(index: ScreenIndex, customer_id: str, target_id: str, verdict: str,
                  note: str | None = None, by: str | None = None) -> Decision:  # fmt: skip
    """A verdict on a hit, with the target's current fingerprint (not yet stored).
    BadInput for an unknown verdict or an empty customer id."""
    if verdict not in VERDICTS:
        raise BadInput(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
    if not customer_id.strip():
        raise BadInput("a screening decision needs the customer id")
    position = index.by_target_id.get(target_id)
    if position is None:
        raise NotFound(f"no current target {target_id!r} (ids look like ct-...)")
    return Decision(customer_id, target_id, verdict, index.targets[position].fingerprint,
                    note or "", by or author(), datetime.now(UTC).replace(tzinfo=None))  # fmt: skip


def save(conn: Connection, made: Decision) -> None:
    """Store a decision inside the caller's transaction."""
    conn.execute(screening_decisions.insert().values(
        customer_id=made.customer_id, target_id=made.target_id, verdict=made.verdict,
        fingerprint=made.fingerprint, note=made.note, author=made.author,
        created_at=made.created_at))  # fmt: skip


def decisions(store: Store, customer_id: str | None = None) -> list[Decision]:
    """The latest decision of each (customer, target) pair, oldest first."""
    query = sa.select(screening_decisions).order_by(screening_decisions.c.id)
    if customer_id is not None:
        query = query.where(screening_decisions.c.customer_id == customer_id)
    latest: dict[tuple[str, str], Decision] = {}
    with store.read() as conn:
        for r in conn.execute(query):
            latest[(r.customer_id, r.target_id)] = Decision(
                r.customer_id, r.target_id, r.verdict, r.fingerprint, r.note or "", r.author,
                r.created_at)  # fmt: skip
    return list(latest.values())


Suppressions = dict[tuple[str, str], Decision]


def suppressions(store: Store) -> Suppressions:
    """The false-positive decisions that may silence a hit, by (customer, target)."""
    return {(d.customer_id, d.target_id): d for d in decisions(store)
            if d.verdict == "false-positive"}  # fmt: skip


def apply(hits: list[Hit], customer_id: str | None, silenced: Suppressions) -> list[Hit]:
    """Mark the hits a standing false-positive decision silences (same target data)."""
    if customer_id is None:
        return hits
    for hit in hits:
        found = silenced.get((customer_id, hit.target.target_id))
        if found is not None and found.fingerprint == hit.target.fingerprint:
            hit.suppressed = True
            hit.decision_note = f"false positive ({found.author}, {found.created_at:%Y-%m-%d})"
    return hits
