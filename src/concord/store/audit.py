"""The audit log: every write a person makes, whatever the interface (web, API, CLI).

One row per write: who (`actor`: the web user, or on the command line `--by`, else
CONCORD_USER or the OS login), what (`action` and `subject`), when (`at`, UTC), and the
state before and after as JSON. Rows are written in the transaction of the write they
record, by the library function that writes, so a change and its audit row stand or fall
together and no interface can forget one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from concord.store.store import Store
from concord.store.tables import audit_log

Json = dict[str, Any] | None


def now() -> datetime:
    """The current UTC time without tzinfo (as the store keeps times)."""
    return datetime.now(UTC).replace(tzinfo=None)


def write(
    conn: Connection, actor: str, action: str, subject: str, before: Json, after: Json
) -> None:
    """Add one audit row inside the caller's transaction."""
    conn.execute(
        audit_log.insert().values(
            at=now(), actor=actor, action=action, subject=subject, before=before, after=after
        )
    )


def entries(
    store: Store, limit: int = 200, actor: str | None = None, action: str | None = None
) -> list[dict[str, Any]]:
    """The newest audit rows first, optionally only one actor's or one action's."""
    query = sa.select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc())
    if actor is not None:
        query = query.where(audit_log.c.actor == actor)
    if action is not None:
        query = query.where(audit_log.c.action == action)
    with store.read() as conn:
        rows = conn.execute(query.limit(limit)).all()
    return [
        {
            "id": r.id,
            "at": r.at.isoformat(timespec="seconds"),
            "actor": r.actor,
            "action": r.action,
            "subject": r.subject,
            "before": r.before,
            "after": r.after,
        }
        for r in rows
    ]
