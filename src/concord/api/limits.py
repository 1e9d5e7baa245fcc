"""Limits on what a request may carry, and the security headers of every response.

`Guard` is a pure ASGI middleware wrapped around the whole app. It:

- refuses a body over the limit of its route with 413, as soon as `Content-Length` says so
  (nothing is read) or, for a streamed body, as soon as the bytes received pass the limit;
- refuses (400) text that no identifier, name or note may hold: lone surrogates (a 500
  before: they cannot be encoded to UTF-8 for the database or the answer), control
  characters other than tab and line breaks (NUL was stored in customer ids), and the
  bidirectional overrides and isolates that make a stored text read differently from what
  it holds (U+202A-U+202E, U+2066-U+2069). It checks query parameters, and JSON and form
  bodies (read whole, which the size limit bounds); file uploads are left to their route;
- adds `X-Frame-Options: DENY`, `X-Content-Type-Options: nosniff`, a `Referrer-Policy`
  and a `Content-Security-Policy` to every response that does not set its own (the API
  documentation pages set theirs, see `docs.POLICY`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.exceptions import HTTPException

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MiB = 1024**2
# Route patterns and their body limit, first match wins; each with its reason.
BODY_LIMITS: tuple[tuple[re.Pattern[str], int], ...] = (
    # A signed dossier package may hold many evidence files (routes_dossiers: 512 MiB).
    (re.compile(r"^/api/dossiers/import$"), 512 * MiB + MiB),
    # One evidence file is at most 50 MiB (dossier.records); 1 MiB for the form around it.
    (re.compile(r"^(/api)?/dossiers/[^/]+/evidence$"), 50 * MiB + MiB),
)
# Everything else is JSON or a form: 1 MiB holds a batch of hundreds of match queries.
DEFAULT_BODY_LIMIT = 1 * MiB
SECURITY_HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    # Pages load their stylesheet from the app and run no script; nothing may frame them.
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
}
_BAD_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # controls but tab, line feed, carriage return
    "\u202a-\u202e\u2066-\u2069"  # bidirectional embeddings, overrides, isolates
    "\ud800-\udfff]"  # surrogates: in a Python str only ever lone ones
)
_TEXT_BODIES = ("application/json", "application/x-www-form-urlencoded")


def text_problem(value: str) -> str | None:
    """Why `value` may not be stored or searched, or None when it is clean text.

    >>> text_problem("Chen Quanguo\\n"), text_problem("ab\\u202ecd"), text_problem("\\ud800")
    (None, 'a bidirectional override character (U+202E)', 'a lone surrogate (U+D800)')
    """
    found = _BAD_TEXT.search(value)
    if found is None:
        return None
    code = ord(found.group())
    if 0xD800 <= code <= 0xDFFF:
        kind = "a lone surrogate"
    elif code >= 0x202A:
        kind = "a bidirectional override character"
    else:
        kind = "a control character"
    return f"{kind} (U+{code:04X})"


def _strings(value: Any) -> list[str]:
    """Every string of a JSON value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def body_problem(content_type: str, body: bytes) -> str | None:
    """Why a JSON or form body is refused (bad UTF-8, bad characters), or None."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "the request body is not valid UTF-8"
    if content_type.startswith("application/json"):
        try:
            values = _strings(json.loads(text)) if text.strip() else []
        except ValueError:
            return None  # not JSON: the route's own validation says so
    else:
        values = [s for pair in parse_qsl(text, keep_blank_values=True) for s in pair]
    for value in values:
        if problem := text_problem(value):
            return f"the request holds {problem}, which no field may contain"
    return None


def query_problem(raw: bytes) -> str | None:
    """Why a query string is refused, or None."""
    try:
        text = raw.decode("ascii")
        pairs = parse_qsl(text, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return "the query string is not valid percent-encoded UTF-8"
    for value in (s for pair in pairs for s in pair):
        if problem := text_problem(value):
            return f"the query holds {problem}, which no parameter may contain"
    return None


def body_limit(path: str) -> int:
    """The largest body a route accepts (`CONCORD_MAX_BODY` changes the default).

    >>> body_limit("/api/match/default") == DEFAULT_BODY_LIMIT
    True
    """
    for pattern, limit in BODY_LIMITS:
        if pattern.match(path):
            return limit
    return int(os.environ.get("CONCORD_MAX_BODY", DEFAULT_BODY_LIMIT))


class BodyTooLarge(HTTPException):
    """A streamed body passed its route's limit: 413, from the app's HTTP error handler
    when a route was reading it, else from `Guard`."""

    def __init__(self, detail: str) -> None:
        super().__init__(413, detail)


@dataclass
class _Exchange:
    """One request as the guard sees it: its headers and whether the answer began."""

    scope: Scope
    send: Send
    started: bool = False

    def header(self, name: bytes) -> str:
        for key, value in self.scope.get("headers", []):
            if key.lower() == name:
                return bytes(value).decode("latin-1")
        return ""

    async def send_with_headers(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
            headers = list(message.get("headers", []))
            present = {bytes(k).lower() for k, _ in headers}
            for name, value in SECURITY_HEADERS.items():
                if name.encode() not in present:
                    headers.append((name.encode(), value.encode()))
            message["headers"] = headers
        await self.send(message)

    async def refuse(self, status: int, kind: str, message: str) -> None:
        body = json.dumps({"error": {"status": status, "type": kind, "message": message}})
        await self.send_with_headers({
            "type": "http.response.start", "status": status,
            "headers": [(b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        (b"connection", b"close")],
        })  # fmt: skip
        await self.send({"type": "http.response.body", "body": body.encode()})


class Guard:
    """The ASGI middleware: body limits, text checks and security headers (see module)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        ex = _Exchange(scope, send)
        if problem := query_problem(scope.get("query_string", b"")):
            await ex.refuse(400, "bad_input", problem)
            return
        limit = body_limit(scope["path"])
        declared = ex.header(b"content-length")
        if declared.isdigit() and int(declared) > limit:
            await ex.refuse(413, "too_large", _too_large(limit))
            return
        content_type = ex.header(b"content-type").lower()
        if content_type.startswith(_TEXT_BODIES):
            try:
                body = await _read_body(receive, limit)
            except BodyTooLarge:
                await ex.refuse(413, "too_large", _too_large(limit))
                return
            if problem := body_problem(content_type, body):
                await ex.refuse(400, "bad_input", problem)
                return
            receive = _replay(body, receive)
        else:
            receive = _counting(receive, limit)
        try:
            await self.app(scope, receive, ex.send_with_headers)
        except BodyTooLarge:
            if ex.started:
                raise
            await ex.refuse(413, "too_large", _too_large(limit))


def _too_large(limit: int) -> str:
    return f"request body too large: this route accepts at most {limit:,} bytes"


async def _read_body(receive: Receive, limit: int) -> bytes:
    """The whole body, refused as soon as it passes `limit` (BodyTooLarge)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise BodyTooLarge("client went away")  # answered, though nobody listens
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(_too_large(limit))
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the app the body already read, then what the client sends."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _counting(receive: Receive, limit: int) -> Receive:
    """A receive that raises BodyTooLarge once more than `limit` bytes came in."""
    size = 0

    async def counting() -> Message:
        nonlocal size
        message = await receive()
        if message["type"] == "http.request":
            size += len(message.get("body", b""))
            if size > limit:
                raise BodyTooLarge(_too_large(limit))
        return message

    return counting
