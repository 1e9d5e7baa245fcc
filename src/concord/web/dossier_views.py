"""The data behind the dossier pages (and their JSON twins). `reader` is the signed-in
user's name, or None for an admin, who sees every dossier.

Example:
    >>> from concord.store import Store
    >>> dossiers_page(Store("sqlite://"), "vic")["dossiers"]
    []
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from concord.dossier import marks, records
from concord.dossier.keys import KeyRing
from concord.dossier.summary import shown_designations
from concord.report.pdf import find_chromium, print_pdf
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


def summary_pdf(html: bytes) -> bytes:
    """A dossier summary's HTML printed to PDF by headless Chromium (`concord.report.pdf`);
    ConcordError in one line when there is no Chromium or it printed nothing. The package
    export takes this as its printer and goes on without a PDF on that error."""
    with tempfile.TemporaryDirectory(prefix="concord-dossier-") as folder:
        page = Path(folder) / "summary.html"
        page.write_bytes(html)
        return print_pdf(page, Path(folder) / "summary.pdf", find_chromium()).read_bytes()


def signers() -> list[str]:
    """The names of the server's own keys (its keys folder: `CONCORD_KEYS`), which may sign
    an export from the web."""
    return [str(k["name"]) for k in KeyRing().listing() if k["private"]]
