"""The coverage matrix: which jurisdictions designate each target."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from concord.api.auth import StoreDep
from concord.api.downloads import download
from concord.api.filters import Download, Filters
from concord.api.pages import respond
from concord.web import analysis_views

router = APIRouter()


@router.get("/api/coverage", tags=["analysis"], summary="The coverage matrix")
@router.get("/coverage", include_in_schema=False)
def coverage(
    request: Request,
    store: StoreDep,
    params: Filters,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=1000)] = 100,
    format: Download = "",
) -> Response:
    """Targets with a designation passing the filters, one column per jurisdiction (its
    regimes and listed dates; other grounds in brackets), paged; `format=csv|xlsx` gives
    every row as a file."""
    if format:
        return download(analysis_views.coverage_rows(store, params), "coverage", format)
    data = analysis_views.coverage_page(store, params, page, per_page)
    return respond(request, "coverage.html", data)
