"""Regimes: legal basis, grounds, measures, dates and designation counts."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from concord.api.auth import StoreDep
from concord.api.pages import respond
from concord.web import views

router = APIRouter()


@router.get("/api/regimes", tags=["regimes"], summary="Every regime with its counts")
@router.get("/regimes", include_in_schema=False)
def regimes(request: Request, store: StoreDep, magnitsky: bool = False) -> Response:
    """The regime registry with the number of current designations under each regime
    (`magnitsky=true`: only the thematic human-rights and anti-corruption regimes)."""
    return respond(request, "regimes.html", views.regimes_page(store, magnitsky))


@router.get("/api/regimes/{key}", tags=["regimes"], summary="One regime and its entries")
@router.get("/regimes/{key}", include_in_schema=False)
def regime(request: Request, store: StoreDep, key: str) -> Response:
    """One regime (e.g. `US-GLOMAG`) and the list entries currently designated under it."""
    return respond(request, "regime.html", views.regime_page(store, key))
