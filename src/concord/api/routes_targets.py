"""Targets: find one by name or key, and see every entry, designation and the evidence."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from concord.api.auth import StoreDep
from concord.api.pages import is_api, respond
from concord.web import views

router = APIRouter()


@router.get("/api/targets", tags=["targets"], summary="Find targets by name or key")
@router.get("/targets", include_in_schema=False)
def search(request: Request, store: StoreDep, q: str = "") -> Response:
    """Targets whose list entries' names contain `q`, or whose target id or entry key is `q`
    (at most 100 entries)."""
    if not q and not is_api(request):
        return respond(request, "targets.html", {"title": "Find a target", "q": "",
                                                 "targets": None})  # fmt: skip
    return respond(request, "targets.html", views.search_targets(store, q))


@router.get("/api/targets/{ref}", tags=["targets"], summary="One target")
@router.get("/targets/{ref}", include_in_schema=False)
def target(request: Request, store: StoreDep, ref: str) -> Response:
    """A target by id (`ct-...`), by an entry key (`us-ofac:23343`) or by a name: every
    entry with its designations (dates, reasons), history and official list files, the
    evidence that joined the entries, and the judgements made about them."""
    return respond(request, "target.html", views.target_page(store, ref))
