"""Screening a name, and recording decisions on its hits (analyst)."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from concord.api.actions import record_decision
from concord.api.auth import Analyst, StoreDep
from concord.api.pages import respond
from concord.screen import THRESHOLD
from concord.web.screen_views import ScreenRequest, screen_page

router = APIRouter()


@router.get("/api/screen", tags=["screening"], summary="Screen one name")
@router.get("/screen", include_in_schema=False)
def screen(
    request: Request,
    store: StoreDep,
    name: Annotated[str, Query(max_length=300, description="The name to screen")] = "",
    dob: Annotated[str, Query(description="Date of birth: YYYY, YYYY-MM or YYYY-MM-DD")] = "",
    country: Annotated[str, Query(description="The customer's country (name or code)")] = "",
    jurisdiction: Annotated[str, Query(description="Only targets it lists (GB)")] = "",
    customer: Annotated[str, Query(description="Customer id: its false positives stay quiet")] = "",
    threshold: Annotated[float, Query(ge=0.0, le=1.0)] = THRESHOLD,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> Response:  # fmt: skip
    """The targets that match a name best, each with its score, the features that made it,
    and its designations (for machines, `POST /api/match/{dataset}` is yente's shape)."""
    asked = ScreenRequest(name, dob, country, jurisdiction, customer, threshold, limit)
    return respond(request, "screen.html", screen_page(store, asked))


class DecisionIn(BaseModel):
    """A verdict on a screening hit for one customer."""

    customer_id: str = Field(examples=["customer-0042"], min_length=1, max_length=255)
    target_id: str = Field(examples=["ct-7a38a1fd4c81"])
    verdict: Literal["false-positive", "true-match"]
    note: str = Field("", max_length=2000)


@router.post("/api/screen/decisions", tags=["screening"], status_code=201,
             summary="Record a screening decision (analyst)")  # fmt: skip
def post_decision(body: DecisionIn, store: StoreDep, user: Analyst) -> dict[str, Any]:
    """A false positive silences the hit for that customer until the target's data changes."""
    return record_decision(store, user.name, body.customer_id, body.target_id, body.verdict,
                           body.note)  # fmt: skip


@router.post("/screen/decisions", include_in_schema=False)
def form_decision(
    store: StoreDep,
    user: Analyst,
    customer_id: Annotated[str, Form()],
    target_id: Annotated[str, Form()],
    verdict: Annotated[str, Form()],
    name: Annotated[str, Form()] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """The decision form of a screening hit; back to the same screening."""
    record_decision(store, user.name, customer_id.strip(), target_id, verdict, note.strip())
    back = urlencode({"name": name, "customer": customer_id.strip()})
    return RedirectResponse(f"/screen?{back}", status_code=303)
