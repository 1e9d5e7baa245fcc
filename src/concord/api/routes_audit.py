"""The audit log: who wrote what, when, with the state before and after."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from concord.api.auth import AnalystReader, StoreDep
from concord.api.pages import respond
from concord.store import audit

router = APIRouter()


@router.get("/api/audit", tags=["audit"], summary="The audit log (analyst)")
@router.get("/audit", include_in_schema=False)
def audit_log(
    request: Request,
    store: StoreDep,
    user: AnalystReader,
    limit: Annotated[int, Query(ge=1, le=5000)] = 200,
    actor: str | None = None,
    action: str | None = None,
) -> Response:
    """The newest writes first (judgements, accounts, tokens); analyst or admin role."""
    rows = audit.entries(store, limit, actor or None, action or None)
    data = {"title": "Audit log", "entries": rows, "actor": actor, "action": action,
            "limit": limit}  # fmt: skip
    return respond(request, "audit.html", data)
