"""Signing in and out of the web application, and who am I."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from concord.api import accounts
from concord.api.auth import StoreDep, check_csrf, principal, session_of
from concord.api.errors import NotSignedIn, TooManyAttempts
from concord.api.pages import render, wants_html
from concord.api.throttle import SignInThrottle, client_address, trusted_proxies

router = APIRouter()


def _local(target: str) -> str:
    # Only paths of this site, so the sign-in form cannot send people elsewhere.
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login", include_in_schema=False)
def login_form(request: Request, next: str = "/") -> Response:
    """The sign-in form."""
    return render(request, "login.html", {"title": "Sign in", "next": _local(next)})


@router.post("/login", include_in_schema=False, dependencies=[Depends(check_csrf)])
def login(
    request: Request,
    store: StoreDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the password, start a signed session and go back where the user was (the
    CSRF token is checked first, before the fields). After 5 wrong passwords for one user
    name from one address, or 20 from one address or for one name, sign-in is refused
    (429) for up to 15 minutes (throttle.py)."""
    throttle: SignInThrottle = request.app.state.throttle
    address = _address(request)
    if wait := throttle.wait(username, address):
        raise TooManyAttempts(f"too many wrong passwords: try again in {wait} s")
    user = accounts.authenticate(store, username, password)
    if user is None:
        throttle.failed(username, address)
        if not wants_html(request):
            raise NotSignedIn("wrong user name or password")
        data = {"title": "Sign in", "next": _local(next), "failed": True, "username": username}
        return render(request, "login.html", data, status=401)
    throttle.succeeded(username, address)
    session = session_of(request)
    if session.sid is not None:
        accounts.end_session(store, session.sid)
    session.sign_in(user.name, accounts.start_session(store, user.name))
    return RedirectResponse(_local(next), status_code=303)


def _address(request: Request) -> str:
    peer = request.client.host if request.client else "-"
    return client_address(peer, request.headers.get("x-forwarded-for", ""), trusted_proxies())


@router.post("/logout", include_in_schema=False, dependencies=[Depends(check_csrf)])
def logout(request: Request, store: StoreDep) -> Response:
    """End the session, in the store too: the old cookie signs nobody in any more (the
    form carries the CSRF token)."""
    session = session_of(request)
    if session.sid is not None:
        accounts.end_session(store, session.sid)
    session.sign_in(None)
    return RedirectResponse("/", status_code=303)


@router.get("/api/me", tags=["accounts"], summary="Who am I")
def me(request: Request, store: StoreDep) -> dict[str, Any]:
    """The user the request is signed in as (by session or API token), or null; 401 for
    the cookie of a session that ended (signed out, or the password changed)."""
    who = principal(request)
    name = session_of(request).user
    if who is None and name is not None and accounts.get_user(store, name) is not None:
        raise NotSignedIn("this session has ended (signed out or password changed): sign in")
    if who is None:
        return {"user": None, "via": None}
    return {"user": who.user.as_dict(), "via": who.via}
