"""The web application and HTTP API: `create_app()` builds one FastAPI app serving the
JSON API under `/api/` (OpenAPI at `/api/openapi.json`, docs at `/api/docs` and `/api/redoc`
with their assets served by the app) and the pages under `/`, every page being the HTML form
of an API answer from the same function.

Run it with `concord serve`, or `uvicorn --factory concord.api.app:create_app`.
"""

from __future__ import annotations

import logging
import os
import secrets

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from concord.api import (
    docs,
    errors,
    match,
    routes_audit,
    routes_auth,
    routes_changes,
    routes_coverage,
    routes_dossiers,
    routes_gaps,
    routes_judgements,
    routes_regimes,
    routes_screen,
    routes_sources,
    routes_targets,
)
from concord.api.auth import Sessions, session_middleware
from concord.api.limits import Guard
from concord.api.pages import STATIC
from concord.api.throttle import SignInThrottle
from concord.store import Store

log = logging.getLogger("concord.api")
TAGS = [
    {"name": "overview", "description": "Headline numbers."},
    {"name": "sources", "description": "Official lists, snapshots, refused files."},
    {"name": "regimes", "description": "The regime registry and designation counts."},
    {"name": "analysis", "description": "Coverage matrix and gap lists (CSV/XLSX too)."},
    {"name": "screening", "description": "Screen names; decisions on hits (analyst)."},
    {"name": "targets", "description": "One real-world person or body across lists."},
    {"name": "judgements", "description": "Human verdicts on pairs of entries (analyst)."},
    {"name": "audit", "description": "Who wrote what, when (analyst)."},
    {"name": "dossiers", "description": "Designation proposals, evidence, signed packages."},
    {"name": "accounts", "description": "Sessions and API tokens."},
]


def secret_key() -> str:
    """`CONCORD_SECRET_KEY`, else a random key (sessions then end when the server stops)."""
    key = os.environ.get("CONCORD_SECRET_KEY")
    if key:
        return key
    log.warning("CONCORD_SECRET_KEY is not set: sessions will not survive a restart")
    return secrets.token_urlsafe(32)


def prepare_store(store: Store) -> None:
    """Give SQLite the statistics its query planner needs (see `Store.optimize`)."""
    store.optimize()


def create_app(store: Store | None = None, secret: str | None = None) -> FastAPI:
    """The application over `store` (default: `CONCORD_DATABASE_URL` or var/concord.sqlite)."""
    app = FastAPI(
        title="Concord",
        summary="Who is sanctioned where, since when, on what ground.",
        version="0.1.0",
        openapi_url="/api/openapi.json",
        docs_url=None,  # served by `docs.install`, assets from the app (no CDN)
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=docs.OAUTH2_REDIRECT_URL,
        openapi_tags=TAGS,
    )
    app.state.store = store or Store()
    app.state.sessions = Sessions(secret or secret_key())
    app.state.throttle = SignInThrottle()
    errors.install(app)
    docs.install(app)
    app.middleware("http")(session_middleware)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (routes_sources, routes_coverage, routes_gaps, routes_screen, routes_regimes,
                   routes_targets, routes_judgements, routes_audit, routes_auth,
                   routes_dossiers, routes_changes):  # fmt: skip
        app.include_router(module.router)
    # Screening (yente-shaped POST /api/match/{dataset}) reads only: no account needed.
    app.include_router(match.router, prefix="/api")
    # Outermost of our middleware: a body over its limit is refused before anything reads
    # it or loads a session; every response gets the security headers (limits.py).
    app.add_middleware(Guard)
    return app
