"""Pages and their JSON twins: one view result, rendered as HTML or sent as JSON.

A route is registered twice, under `/api/...` (JSON, in the OpenAPI description) and under
`/...` (HTML); the same function answers both and `respond` picks the form by the path.
Templates live in `concord/web/templates`, the stylesheet in `concord/web/static`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates

import concord.web

WEB = Path(concord.web.__file__).resolve().parent
TEMPLATES = Jinja2Templates(directory=str(WEB / "templates"))
STATIC = WEB / "static"


def is_api(request: Request) -> bool:
    """Whether a request is for the JSON API."""
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def wants_html(request: Request) -> bool:
    """Whether to answer with a page: not the API, and a client that accepts HTML."""
    return not is_api(request) and "text/html" in request.headers.get("accept", "")


def _viewer(request: Request) -> dict[str, str] | None:
    # Imported here: auth imports errors, which imports this module.
    from concord.api.auth import principal
    from concord.errors import ConcordError

    try:
        who = principal(request)
    except ConcordError:
        return None
    return None if who is None else who.user.as_dict()


def render(request: Request, template: str, data: dict[str, Any], status: int = 200) -> Response:
    """A page: the template with the view's data, the signed-in user and the CSRF token."""
    session = getattr(request.state, "session", None)
    context = {
        **data,
        "data": data,
        "user": _viewer(request),
        "csrf_token": session.csrf if session is not None else "",
        "path": request.url.path,
    }
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status)


def respond(
    request: Request, template: str, data: dict[str, Any], html_only: tuple[str, ...] = ()
) -> Response:
    """The view's data as JSON under `/api/` (less the `html_only` keys, such as charts
    drawn from data the JSON already holds), else as the page `template`."""
    if is_api(request):
        return JSONResponse(jsonable_encoder({k: v for k, v in data.items()
                                              if k not in html_only}))  # fmt: skip
    return render(request, template, data)
