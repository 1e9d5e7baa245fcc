"""Gap lists: targets one jurisdiction designates and another does not."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from concord.analysis.gaps import GapQuery, flat_rows
from concord.api.auth import StoreDep
from concord.api.downloads import download
from concord.api.filters import Download, Filters
from concord.api.pages import respond
from concord.errors import BadInput
from concord.web import analysis_views
from concord.web.analysis_views import MISSING_UNDER, parse_day

router = APIRouter()


@router.get("/api/gaps", tags=["analysis"], summary="Gap counts per pair of jurisdictions")
@router.get("/gaps", include_in_schema=False)
def gap_index(request: Request, store: StoreDep, params: Filters) -> Response:
    """For every ordered pair (leader, other): how many targets the leader designates under
    the filters that the other does not designate at all (and how many it delisted)."""
    return respond(request, "gaps.html", analysis_views.gaps_index(store, params))


@router.get("/api/gaps/{leader}/{missing}", tags=["analysis"], summary="One gap list")
@router.get("/gaps/{leader}/{missing}", include_in_schema=False)
def gap_list(
    request: Request,
    store: StoreDep,
    params: Filters,
    leader: str,
    missing: str,
    missing_under: Annotated[str, Query(description="Count the other's designations only "
                                        "under magnitsky, human_rights or corruption")] = "",
    since: Annotated[str, Query(description="Only the leader's listings since YYYY-MM-DD")] = "",
    exclude_possible: Annotated[bool, Query(description="Leave out targets with a possible "
                                            "match on the missing list")] = False,
    format: Download = "",
) -> Response:  # fmt: skip
    """Targets `leader` designates (under the filters) and `missing` does not, with the
    leader's regime, listed date and reason, and whether the other delisted them;
    `format=csv|xlsx` gives the list as a file."""
    if missing_under and missing_under not in MISSING_UNDER:
        raise BadInput(f"missing_under must be one of {', '.join(MISSING_UNDER)}")
    query = GapQuery(leader, (missing,), params.flt, missing_under or None, params.country,
                     parse_day(since, "since"), params.as_of, exclude_possible)  # fmt: skip
    data = analysis_views.gap_page(store, query, params)
    if format:
        return download(flat_rows(data["rows"]), f"gaps-{data['leader']}-not-{data['missing']}",
                        format)  # fmt: skip
    return respond(request, "gap.html", data)
