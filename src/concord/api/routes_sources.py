"""Overview and sources: headline numbers, snapshots, refused files and why."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from concord.api.auth import StoreDep
from concord.api.pages import respond
from concord.web import views
from concord.web.analysis_views import overview_analysis

router = APIRouter()


@router.get("/api/overview", tags=["overview"], summary="Headline numbers")
@router.get("/", include_in_schema=False)
def overview(request: Request, store: StoreDep) -> Response:
    """Entries and Magnitsky-class entries per source, targets, the last resolution run;
    coverage counts, the largest gaps, new designations per quarter and the overlap of
    jurisdictions (Magnitsky class)."""
    analysis = dict(overview_analysis(store))
    data = {**views.overview(store), "charts": analysis.pop("charts"), "analysis": analysis}
    return respond(request, "overview.html", data, html_only=("charts",))


@router.get("/api/sources", tags=["sources"], summary="Sources and snapshots")
@router.get("/sources", include_in_schema=False)
def sources(request: Request, store: StoreDep) -> Response:
    """Each source (publisher, official file URLs, counts) and every snapshot, with the
    reason a refused file was refused."""
    return respond(request, "sources.html", views.sources_page(store))
