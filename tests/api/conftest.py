"""Fixtures of the web application tests.

The app runs over a private copy of the session's resolved store (the shared store is
read-only and these tests write: accounts, judgements, the audit log). The accounts are
made here; every other datum comes from the real official files of the mirror.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI, routing
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from concord.api import accounts
from concord.api.app import create_app, prepare_store
from concord.store import Store
from tests.screen.stores import copy_store as copy_sqlite

PASSWORD = "correct horse battery staple"
USERS = {"ada": "admin", "ana": "analyst", "vic": "viewer"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def copy_store(store: Store, target: Path) -> Store:
    """A consistent copy of a SQLite store (WAL included) at `target`, ready to serve."""
    result = copy_sqlite(store, target)
    prepare_store(result)
    for name, role in USERS.items():
        accounts.add_user(result, name, role, PASSWORD, actor="test-setup")
    return result


@pytest.fixture(scope="session")
def web_store(resolved_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A writable copy of the resolved store with three accounts (ada, ana, vic)."""
    return copy_store(resolved_store, tmp_path_factory.mktemp("web") / "web.sqlite")


@pytest.fixture()
def client(web_store: Store) -> Iterator[TestClient]:
    """A client of the app; server errors come back as responses, as a browser sees them."""
    with TestClient(
        create_app(web_store, secret="test-secret"), raise_server_exceptions=False
    ) as test_client:
        yield test_client


def csrf_of(client: TestClient, path: str = "/login") -> str:
    """The CSRF token of the client's session, read from a page's form."""
    found = CSRF.search(client.get(path, headers={"accept": "text/html"}).text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(client: TestClient, name: str) -> str:
    """Sign `name` in through the form; returns the session's CSRF token."""
    token = csrf_of(client)
    response = client.post(
        "/login",
        data={"username": name, "password": PASSWORD, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client, "/")


def app_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) of the app's own routes (FastAPI's docs routes left out).

    FastAPI >= 0.150 keeps included routers as lazy branches; `iter_route_contexts` walks
    them with their prefixes, older versions list APIRoutes directly.
    """
    walk = getattr(routing, "iter_route_contexts", None)
    contexts = list(walk(app.routes)) if walk is not None else list(app.routes)
    out = set()
    for context in contexts:
        route = getattr(context, "original_route", context)
        if isinstance(route, APIRoute):
            out.update((method, str(context.path)) for method in context.methods or ())
    return sorted(out)
