"""Who is asking: signed session cookies with a CSRF token, or an API token.

A browser gets a session cookie (signed with itsdangerous; HttpOnly, SameSite=Lax, Secure
when served over https) holding the signed-in user's name, a session id and a CSRF token.
The session id must name a live row of the store's `web_sessions` (accounts.py): signing out
or changing the password deletes it, so a copied or stolen cookie stops working at once.
Every form POST carries the CSRF token (field `csrf_token`, or header `X-CSRF-Token` for
scripts using the cookie). A machine sends `Authorization: Bearer <token>` instead and
needs no CSRF token, as no browser sends that header by itself.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from concord.api import accounts
from concord.api.accounts import User
from concord.api.errors import Forbidden, NotSignedIn
from concord.store import Store

SESSION_COOKIE = "concord_session"
SESSION_SECONDS = accounts.SESSION_SECONDS
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


@dataclass
class Session:
    """The content of a session cookie; `dirty` when it must be (re)sent."""

    user: str | None = None
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    dirty: bool = False
    sid: str | None = None  # the server-side session id (accounts.start_session)

    def sign_in(self, name: str | None, sid: str | None = None) -> None:
        """Change who is signed in, with a fresh CSRF token (no session fixation)."""
        self.user = name
        self.sid = sid if name is not None else None
        self.csrf = secrets.token_urlsafe(24)
        self.dirty = True


class Sessions:
    """Signs and reads session cookies with the app's secret key."""

    def __init__(self, secret: str) -> None:
        self._signer = URLSafeTimedSerializer(secret, salt="concord-session")

    def load(self, cookie: str | None) -> Session:
        """The session of a cookie; a new one when absent, forged or expired."""
        if cookie:
            try:
                data = self._signer.loads(cookie, max_age=SESSION_SECONDS)
                sid = data.get("s")
                sid = sid if isinstance(sid, str) else None
                return Session(user=data.get("u"), csrf=str(data["c"]), sid=sid)
            except (BadSignature, KeyError, TypeError, AttributeError):
                pass
        return Session(dirty=True)

    def dump(self, session: Session) -> str:
        """The signed cookie value of a session."""
        return str(self._signer.dumps({"u": session.user, "c": session.csrf, "s": session.sid}))


async def session_middleware(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Load the session before a request; send its cookie back when it changed."""
    sessions: Sessions = request.app.state.sessions
    session = sessions.load(request.cookies.get(SESSION_COOKIE))
    request.state.session = session
    response = await call_next(request)
    # Machines calling the API need no cookie; pages and sign-in/out do.
    if session.dirty and not (request.url.path.startswith("/api/") and session.user is None):
        response.set_cookie(SESSION_COOKIE, sessions.dump(session), max_age=SESSION_SECONDS,
                            httponly=True, samesite="lax", path="/",
                            secure=request.url.scheme == "https")  # fmt: skip
    return response


def session_of(request: Request) -> Session:
    """The session loaded by the middleware."""
    session: Session = request.state.session
    return session


def store_of(request: Request) -> Store:
    """The app's store."""
    store: Store = request.app.state.store
    return store


@dataclass(frozen=True)
class Principal:
    """A user and how they proved who they are: `session` (cookie) or `token`."""

    user: User
    via: str


def principal(request: Request) -> Principal | None:
    """Who is asking, or None for an anonymous request; NotSignedIn for a bad token."""
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        user = accounts.user_for_token(store_of(request), token.strip())
        if scheme.lower() != "bearer" or user is None:
            raise NotSignedIn("unknown API token (send Authorization: Bearer <token>)")
        return Principal(user, "token")
    session = session_of(request)
    if session.user is None or session.sid is None:
        return None
    # Checked on every request, so signing out anywhere ends the session everywhere.
    user = accounts.user_for_session(store_of(request), session.sid, session.user)
    return None if user is None else Principal(user, "session")


async def check_csrf(request: Request) -> None:
    """Forbidden unless the request carries the session's CSRF token."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and "form" in request.headers.get("content-type", ""):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not secrets.compare_digest(sent, session_of(request).csrf):
        raise Forbidden("missing or wrong CSRF token: reload the page and try again")


def reader(role: str) -> Callable[[Request], User]:
    """A dependency: the signed-in user, who must hold `role` (to read restricted pages)."""

    def dependency(request: Request) -> User:
        who = principal(request)
        if who is None:
            raise NotSignedIn("sign in first (or send an API token)")
        if not who.user.can(role):
            raise Forbidden(f"this needs the {role} role; {who.user.name} is {who.user.role}")
        return who.user

    return dependency


def writer(role: str) -> Callable[[Request], Awaitable[User]]:
    """A dependency for writes: signed in, holding `role`, and (by cookie) with CSRF."""

    async def dependency(request: Request) -> User:
        who = principal(request)
        if who is None:
            raise NotSignedIn("sign in first (or send an API token)")
        if who.via == "session":
            await check_csrf(request)
        if not who.user.can(role):
            raise Forbidden(f"this needs the {role} role; {who.user.name} is {who.user.role}")
        return who.user

    return dependency


StoreDep = Annotated[Store, Depends(store_of)]
Analyst = Annotated[User, Depends(writer("analyst"))]
AnalystReader = Annotated[User, Depends(reader("analyst"))]
