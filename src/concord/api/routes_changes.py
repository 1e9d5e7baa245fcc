"""Change tracking: list changes, diffs, a target's history, feeds and the coordination
watch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from concord.analysis.feeds import FeedQuery
from concord.api.auth import StoreDep
from concord.api.pages import respond
from concord.web import changes_views
from concord.web.analysis_views import parse_day

router = APIRouter()
ATOM_TYPE = "application/atom+xml; charset=utf-8"
JSON_FEED_TYPE = "application/feed+json; charset=utf-8"


@router.get("/api/changes", tags=["changes"], summary="What changed in the lists")
def changes(
    store: StoreDep,
    since: Annotated[str, Query(description="First day, YYYY-MM-DD")],
    until: Annotated[str, Query(description="Last day, YYYY-MM-DD")] = "",
    source: Annotated[str, Query(description="Only this list, e.g. us-ofac")] = "",
) -> Response:
    """Per list and snapshot, the entries added, removed and amended (old and new values),
    and the targets now also (or no longer) sanctioned by a jurisdiction."""
    return JSONResponse(changes_views.changes_data(store, since, until, source))


@router.get("/api/diff/{source}/{day1}/{day2}", tags=["changes"], summary="Diff two snapshots")
def diff(store: StoreDep, source: str, day1: str, day2: str) -> Response:
    """Entries of `source` added, removed and amended between its snapshots of `day1` and
    `day2` (each the newest on or before that day)."""
    return JSONResponse(changes_views.diff_data(store, source, day1, day2))


@router.get("/api/targets/{ref}/history", tags=["targets"], summary="A target's history")
def history(store: StoreDep, ref: str) -> Response:
    """Every change to every entry of the target, with dates, and when each jurisdiction
    designated or delisted it."""
    return JSONResponse(changes_views.history_data(store, ref))


@router.get("/api/feeds/designations.{fmt}", tags=["changes"], summary="Feed of new designations")
@router.get("/feeds/designations.{fmt}", include_in_schema=False)
def designations_feed(
    request: Request,
    store: StoreDep,
    fmt: Annotated[str, "atom or json"],
    jurisdiction: str = "",
    regime: str = "",
    ground: str = "",
    country: Annotated[str, Query(description="The target's country, ISO code")] = "",
    since: str = "",
) -> Response:
    """New designations, newest first, as Atom (`.atom`) or JSON Feed 1.1 (`.json`),
    filtered by jurisdiction, regime key, ground (human_rights, corruption) and country."""
    if fmt not in ("atom", "json"):
        return JSONResponse({"detail": "feeds are .atom or .json"}, status_code=404)
    query = FeedQuery(jurisdiction or None, regime or None, ground or None, country or None,
                      parse_day(since, "since"))  # fmt: skip
    data = changes_views.feed(store, fmt, query, str(request.base_url), str(request.url))
    if isinstance(data, bytes):
        return Response(data, media_type=ATOM_TYPE)
    return JSONResponse(data, media_type=JSON_FEED_TYPE)


@router.get("/api/watch", tags=["changes"], summary="The coordination watch")
@router.get("/watch", include_in_schema=False)
def watch(
    request: Request,
    store: StoreDep,
    as_of: Annotated[str, Query(description="YYYY-MM-DD (default: newest snapshot)")] = "",
    jurisdiction: Annotated[str, Query(description="Leaders, e.g. US,UK")] = "",
    status: Annotated[str, Query(description="all, open or closed")] = "all",
) -> Response:
    """Magnitsky-class designations by one jurisdiction the others have not matched, with
    the days open, the jurisdiction that closed each and the lag, and who has not matched."""
    return respond(request, "watch.html",
                   changes_views.watch_page(store, as_of, jurisdiction, status))  # fmt: skip
