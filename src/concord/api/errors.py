"""HTTP errors: one table from Concord's error types to status codes and JSON bodies.

Every error answer is `{"error": {"status", "type", "message"}}` (plus `details` for a
request that failed validation); a browser asking for HTML gets the same message as a
page. Nothing ever shows a stack trace: unexpected errors are logged and answered 500.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from concord.api.pages import render, wants_html
from concord.errors import BadInput, ConcordError, Conflict, NotFound, SourceUnavailable

log = logging.getLogger("concord.api")


class NotSignedIn(ConcordError):
    """A request that needs a signed-in user (or an API token) and has none."""

    exit_code = 2
    http_status = 401


class Forbidden(ConcordError):
    """A signed-in user whose role does not allow it, or a form without its CSRF token."""

    exit_code = 2
    http_status = 403


class TooManyAttempts(ConcordError):
    """Sign-in refused for a while after repeated wrong passwords."""

    exit_code = 2
    http_status = 429


# The one table: most specific type first is not needed, the lookup follows the MRO.
ERRORS: dict[type[ConcordError], tuple[int, str]] = {
    BadInput: (400, "bad_input"),
    NotSignedIn: (401, "not_signed_in"),
    Forbidden: (403, "forbidden"),
    NotFound: (404, "not_found"),
    Conflict: (409, "conflict"),
    TooManyAttempts: (429, "too_many_attempts"),
    SourceUnavailable: (503, "source_unavailable"),
    ConcordError: (500, "error"),
}
HTTP_TYPES = {404: "not_found", 405: "method_not_allowed", 401: "not_signed_in", 403: "forbidden"}


def status_of(exc: ConcordError) -> tuple[int, str]:
    """The HTTP status and error type of a Concord error."""
    for cls in type(exc).__mro__:
        if cls in ERRORS:
            return ERRORS[cls]
    return 500, "error"


def answer(request: Request, status: int, kind: str, message: str, details: Any = None) -> Response:
    """The error as JSON, or as a page for a browser (a sign-in redirect for 401 on GET)."""
    if wants_html(request):
        if status == 401 and request.method == "GET":
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        data = {"status": status, "type": kind, "message": message}
        return render(request, "error.html", {"title": f"Error {status}", "error": data}, status)
    body: dict[str, Any] = {"status": status, "type": kind, "message": message}
    if details is not None:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status)


async def _concord_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ConcordError)  # registered for ConcordError only
    status, kind = status_of(exc)
    return answer(request, status, kind, str(exc))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    details = [
        {"where": ".".join(str(p) for p in e.get("loc", ())), "problem": str(e.get("msg", ""))}
        for e in exc.errors()
    ]
    message = "; ".join(f"{d['where']}: {d['problem']}" for d in details) or "invalid request"
    return answer(request, 422, "invalid_request", message, details)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    kind = HTTP_TYPES.get(exc.status_code, "http_error")
    response = answer(request, exc.status_code, kind, str(exc.detail))
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _unexpected(request: Request, exc: Exception) -> Response:
    # Logged with its traceback for the operator; the client only learns that it failed.
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    message = "internal error; the server log has the details"
    return JSONResponse({"error": {"status": 500, "type": "internal", "message": message}},
                        status_code=500)  # fmt: skip


def install(app: FastAPI) -> None:
    """Register the error handlers on an app."""
    app.add_exception_handler(ConcordError, _concord_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
