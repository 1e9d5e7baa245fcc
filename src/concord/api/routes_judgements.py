"""Judgements: an analyst says two entries are the same target, different ones, or unsure."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from concord.api.actions import record_judgement
from concord.api.auth import Analyst, StoreDep

router = APIRouter()


class JudgementIn(BaseModel):
    """A verdict about two list entries."""

    a: str = Field(examples=["us-ofac:23343"], description="An entry key.")
    b: str = Field(examples=["gb-ofsi:13042"], description="Another entry key.")
    verdict: Literal["same", "different", "unsure"]
    note: str | None = Field(None, examples=["same passport number"], max_length=2000)


@router.post("/api/judgements", tags=["judgements"], status_code=201,
             summary="Record a judgement (analyst)")  # fmt: skip
def post_judgement(body: JudgementIn, store: StoreDep, user: Analyst) -> dict[str, Any]:
    """Record that entries A and B are the same target, different ones, or unsure. It wins
    over any score from the next `concord resolve`. Needs the analyst or admin role."""
    return record_judgement(store, user.name, body.a, body.b, body.verdict, body.note)


@router.post("/targets/{ref}/judgements", include_in_schema=False)
def form_judgement(
    ref: str,
    store: StoreDep,
    user: Analyst,
    a: Annotated[str, Form()],
    b: Annotated[str, Form()],
    verdict: Annotated[str, Form()],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """The judgement form of a target page; back to the page when recorded."""
    record_judgement(store, user.name, a.strip(), b.strip(), verdict, note.strip())
    return RedirectResponse(
        f"/targets/{quote(ref, safe=':@')}?judged=1#judgements", status_code=303
    )
