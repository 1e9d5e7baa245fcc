"""Where a dossier's target stands on the lists: its designations from the store's read
model, and the status per proposed jurisdiction that follows from them (`designated` by
itself once the target is listed there)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from concord.store import Store
from concord.store.designations import Designation, designation_set
from concord.store.tables import target_members

# The actor of the status rows (and their audit rows) Concord records by itself when a
# target appears on a proposed jurisdiction's list.
LISTS_ACTOR = "concord (lists)"


def _entry_keys_now(store: Store, row: dict[str, Any]) -> list[str]:
    """The target's entries now: its stored keys and every key of the targets they are in."""
    keys = set(row["entry_keys"])
    with store.read() as conn:
        tids = {
            row["target_id"],
            *conn.execute(
                sa.select(target_members.c.target_id).where(target_members.c.entry_key.in_(keys))
            ).scalars(),
        } - {None}
        keys |= set(
            conn.execute(
                sa.select(target_members.c.entry_key).where(target_members.c.target_id.in_(tids))
            ).scalars()
        )
    return sorted(keys)


def live_designations(store: Store, row: dict[str, Any]) -> list[Designation]:
    """Every designation the target has had in this store's lists (ended ones included)."""
    found = designation_set(store)
    return [d for key in _entry_keys_now(store, row) for d in found.select(entry_key=key)]


def statuses(
    row: dict[str, Any], rows: list[dict[str, Any]], found: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The current status per proposed jurisdiction. `designated` comes by itself when the
    target is listed in force in that jurisdiction under a regime the dossier cites for it
    (any regime of it when it cites none there); the list entry is named as the basis."""
    current = {r["jurisdiction"]: {**r, "basis": _basis(r)} for r in rows}
    out = []
    for code in row["proposed"]:
        cited = {c["regime"] for c in row["criteria"] if c["jurisdiction"] == code}
        listed = [
            d
            for d in found
            if d["jurisdiction"] == code and d["in_force"] and (not cited or d["regime"] in cited)
        ]
        status = current.get(code, {"jurisdiction": code, "status": "draft", "basis": "recorded"})
        if listed and (status["status"] != "designated" or status["basis"] == "list"):
            first = min(listed, key=lambda d: d["listed"]["until"])
            status = {
                "jurisdiction": code,
                "status": "designated",
                "on": first["listed"]["until"],
                "listed": first["listed_text"],
                "note": f"listed as {first['entry_key']} under {first['regime']}",
                "basis": "list",
                "entry_key": first["entry_key"],
            }
        out.append(status)
    return out


def _basis(row: dict[str, Any]) -> str:
    return "list" if row["recorded_by"] == LISTS_ACTOR else "recorded"


def unrecorded(shown: list[dict[str, Any]], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The `designated` statuses that come from the lists and are not yet in the status
    history: each is recorded once (with its audit row), not on every read. A jurisdiction
    whose history holds such a row already is not recorded again, even when someone
    recorded another status after it."""
    done = {r["jurisdiction"] for r in rows if r["recorded_by"] == LISTS_ACTOR}
    return [
        s
        for s in shown
        if s["basis"] == "list" and s.get("entry_key") and s["jurisdiction"] not in done
    ]


def designation_dict(d: Designation) -> dict[str, Any]:
    """A designation as a dossier shows and exports it."""
    return {**d.as_dict(), "in_force": d.in_force(), "listed_text": str(d.listed)}
