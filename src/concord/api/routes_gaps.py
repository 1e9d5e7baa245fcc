"""Gap lists: targets one jurisdiction designates and another does not."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from concord.analysis.frame import jurisdiction_code, jurisdiction_list
from concord.analysis.gaps import GapQuery
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
def gap_index(
    request: Request,
    store: StoreDep,
    params: Filters,
    designated_by: Annotated[str, Query(description="Go to the gap list of this leader (US)")] = "",
    missing: Annotated[list[str], Query(description="... and these missing jurisdictions")] = [],  # noqa: B006
) -> Response:  # fmt: skip
    """For every ordered pair (leader, other): how many targets the leader designates under
    the filters that the other does not designate at all (and how many it delisted).
    With `designated_by` and `missing` (the page's form), a redirect to that gap list with
    the other filters kept."""
    if designated_by or missing:
        return _to_gap_list(request, designated_by, missing)
    return respond(request, "gaps.html", analysis_views.gaps_index(store, params))


def _to_gap_list(request: Request, leader: str, missing: list[str]) -> Response:
    """A redirect from the form of /gaps to /gaps/{leader}/{missing,...}."""
    codes = [code for text in missing for code in jurisdiction_list(text)]
    if not leader or not codes:
        raise BadInput("choose the jurisdiction that designates and one or more that do not")
    kept = [(k, v) for k, v in request.query_params.multi_items()
            if k not in ("designated_by", "missing") and v]  # fmt: skip
    prefix = "/api/gaps" if request.url.path.startswith("/api/") else "/gaps"
    path = f"{prefix}/{jurisdiction_code(leader)}/{','.join(codes)}"
    return RedirectResponse(path + (f"?{urlencode(kept)}" if kept else ""), status_code=303)


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
    regime: Annotated[str, Query(description="Only the leader's designations under this "
                                 "regime key (US-GLOMAG)")] = "",
    format: Download = "",
) -> Response:  # fmt: skip
    """Targets `leader` designates (under the filters) and `missing` (one jurisdiction, or
    several: `UK,CA`) does not, with the leader's regime, the date the gap opened and its
    days open, the reason, a possible match on the missing list, and whether the other
    delisted them; `format=csv|xlsx` gives the list as a file with the same columns."""
    if missing_under and missing_under not in MISSING_UNDER:
        raise BadInput(f"missing_under must be one of {', '.join(MISSING_UNDER)}")
    query = GapQuery(leader, tuple(jurisdiction_list(missing)), params.flt,
                     missing_under or None, params.country, parse_day(since, "since"),
                     params.as_of, exclude_possible)  # fmt: skip
    data = analysis_views.gap_page(store, query, params, regime.strip().upper() or None)
    if format:
        rows = analysis_views.export_rows(data["rows"], str(request.base_url).rstrip("/"))
        name = f"gaps-{data['leader']}-not-{data['missing'].replace(',', '-')}"
        return download(rows, name, format)
    return respond(request, "gap.html", data)
