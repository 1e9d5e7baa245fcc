"""The data behind the dossier pages (and their JSON twins). `reader` is the signed-in
user's name, or None for an admin, who sees every dossier.

Example:
    >>> from concord.store import Store
    >>> dossiers_page(Store("sqlite://"), "vic")["dossiers"]
    []
"""

from __future__ import annotations

from typing import Any

from concord.dossier import marks, records
from concord.dossier.summary import shown_designations
from concord.store import Store


def dossiers_page(store: Store, reader: str | None) -> dict[str, Any]:
    """The dossiers the reader made or that are shared with them, newest first."""
    return {"title": "Dossiers", "dossiers": records.listing(store, reader)}


def dossier_page(store: Store, dossier_id: str, reader: str | None) -> dict[str, Any]:
    """One dossier with the designations its summary shows; NotFound when not shared."""
    records.check_reader(store, dossier_id, reader)
    found = records.load(store, dossier_id)
    shown, basis = shown_designations(found)
    return {
        "title": f"Dossier {found['title']}",
        "dossier": found,
        "designations": shown,
        "designations_basis": basis,
        "statuses": list(marks.STATUSES),
    }
