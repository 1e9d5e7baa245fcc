"""The API's documentation pages (Swagger UI at `/api/docs`, ReDoc at `/api/redoc`) with
their scripts and styles served by the app itself, from the `fastapi-offline` package that
ships them: the pages work offline and behind a strict network, and load nothing from a CDN.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"
ASSETS_URL = "/api/docs-assets"
DOCS_URL = "/api/docs"
REDOC_URL = "/api/redoc"
OAUTH2_REDIRECT_URL = "/api/docs/oauth2-redirect"
# Swagger UI would otherwise send the description to validator.swagger.io for a badge.
SWAGGER_PARAMETERS = {"validatorUrl": None}
# The browser may load nothing from elsewhere: ReDoc's bundle still asks a CDN for the
# Redocly logo of its footer, which this refuses (the footer shows its text only).
POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'"
)


def _self_only(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = POLICY
    return page


def swagger_page(app: FastAPI) -> HTMLResponse:
    """Swagger UI over the app's OpenAPI description, every asset from the app."""
    return get_swagger_ui_html(
        openapi_url=app.openapi_url or "",
        title=f"{app.title} - API",
        oauth2_redirect_url=OAUTH2_REDIRECT_URL,
        swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
        swagger_ui_parameters=SWAGGER_PARAMETERS,
    )


def redoc_page(app: FastAPI) -> HTMLResponse:
    """ReDoc over the app's OpenAPI description, without Google's fonts."""
    return get_redoc_html(
        openapi_url=app.openapi_url or "",
        title=f"{app.title} - API reference",
        redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
        redoc_favicon_url=f"{ASSETS_URL}/favicon.png",
        with_google_fonts=False,
    )


def install(app: FastAPI) -> None:
    """Mount the assets and add the documentation pages, as plain routes outside the
    OpenAPI description (as FastAPI adds its own)."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="docs-assets")

    async def swagger(request: Request) -> HTMLResponse:
        return _self_only(swagger_page(app))

    async def swagger_redirect(request: Request) -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    async def redoc(request: Request) -> HTMLResponse:
        return _self_only(redoc_page(app))

    app.add_route(DOCS_URL, swagger, include_in_schema=False)
    app.add_route(OAUTH2_REDIRECT_URL, swagger_redirect, include_in_schema=False)
    app.add_route(REDOC_URL, redoc, include_in_schema=False)
