"""Accounts of the web application: users with a role, argon2 password hashes, API tokens.

Roles rank viewer < analyst < admin: a viewer may sign in and read, an analyst may also
write (judgements, screening decisions), an admin may also manage accounts. Passwords are
kept only as argon2id hashes; API tokens only as SHA-256 hashes (a token is random and
long, so a fast hash is enough, and it is shown once when made). Every change is audited.

Example:
    >>> store = Store("sqlite://")
    >>> add_user(store, "ana", "analyst", "correct horse battery", actor="test").role
    'analyst'
    >>> authenticate(store, "ana", "correct horse battery").name
    'ana'
    >>> authenticate(store, "ana", "wrong") is None
    True
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Connection

from concord.errors import BadInput, Conflict, NotFound
from concord.store import Store, audit
from concord.store.tables import api_tokens, users, web_sessions

ROLES = ("viewer", "analyst", "admin")
SESSION_SECONDS = 8 * 3600
MIN_PASSWORD = 10
TOKEN_PREFIX = "cc_"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_hasher = PasswordHasher()


@dataclass(frozen=True)
class User:
    """A signed-in person or machine and its role."""

    name: str
    role: str

    def can(self, role: str) -> bool:
        """Whether this user holds `role` or a higher one."""
        return ROLES.index(self.role) >= ROLES.index(role)

    def as_dict(self) -> dict[str, str]:
        """JSON form."""
        return {"name": self.name, "role": self.role}


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise BadInput(f"role must be one of {', '.join(ROLES)}, not {role!r}")


def _row(conn: Connection, name: str) -> Any:
    return conn.execute(sa.select(users).where(users.c.name == name)).first()


def add_user(store: Store, name: str, role: str, password: str, actor: str) -> User:
    """Create an account; BadInput for a bad name, role or short password, Conflict if held."""
    if not _NAME.match(name):
        raise BadInput("a user name is 1-64 letters, digits or . _ @ - (starting alphanumeric)")
    _check_role(role)
    if len(password) < MIN_PASSWORD:
        raise BadInput(f"a password needs at least {MIN_PASSWORD} characters")
    with store.begin() as conn:
        if _row(conn, name) is not None:
            raise Conflict(f"user {name!r} exists already")
        conn.execute(users.insert().values(name=name, role=role, created_at=audit.now(),
                                           password_hash=_hasher.hash(password)))  # fmt: skip
        audit.write(conn, actor, "user.add", name, None, {"name": name, "role": role})
    return User(name, role)


def remove_user(store: Store, name: str, actor: str) -> None:
    """Delete an account and its API tokens."""
    with store.begin() as conn:
        row = _row(conn, name)
        if row is None:
            raise NotFound(f"no user {name!r}")
        conn.execute(api_tokens.delete().where(api_tokens.c.user_name == name))
        conn.execute(web_sessions.delete().where(web_sessions.c.user_name == name))
        conn.execute(users.delete().where(users.c.name == name))
        audit.write(conn, actor, "user.remove", name, {"name": name, "role": row.role}, None)


def set_role(store: Store, name: str, role: str, actor: str) -> User:
    """Give an account another role."""
    _check_role(role)
    with store.begin() as conn:
        row = _row(conn, name)
        if row is None:
            raise NotFound(f"no user {name!r}")
        conn.execute(users.update().where(users.c.name == name).values(role=role))
        audit.write(conn, actor, "user.role", name, {"role": row.role}, {"role": role})
    return User(name, role)


def get_user(store: Store, name: str) -> User | None:
    """The account of a name, or None."""
    with store.read() as conn:
        row = _row(conn, name)
    return None if row is None else User(row.name, row.role)


def list_users(store: Store) -> list[dict[str, Any]]:
    """Every account with its role and how many API tokens it holds."""
    count = sa.func.count(api_tokens.c.id).label("tokens")
    query = (
        sa.select(users.c.name, users.c.role, users.c.created_at, count)
        .outerjoin(api_tokens, api_tokens.c.user_name == users.c.name)
        .group_by(users.c.name, users.c.role, users.c.created_at)
        .order_by(users.c.name)
    )
    with store.read() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def authenticate(store: Store, name: str, password: str) -> User | None:
    """The user when the password is right, else None (same work either way)."""
    with store.read() as conn:
        row = _row(conn, name)
    stored = row.password_hash if row is not None else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    return None if row is None else User(row.name, row.role)


def set_password(store: Store, name: str, password: str, actor: str) -> int:
    """Give an account a new password and end every session it has (returns how many)."""
    if len(password) < MIN_PASSWORD:
        raise BadInput(f"a password needs at least {MIN_PASSWORD} characters")
    with store.begin() as conn:
        if _row(conn, name) is None:
            raise NotFound(f"no user {name!r}")
        conn.execute(users.update().where(users.c.name == name)
                     .values(password_hash=_hasher.hash(password)))  # fmt: skip
        ended = conn.execute(web_sessions.delete().where(web_sessions.c.user_name == name))
        audit.write(conn, actor, "user.password", name, None, {"sessions_ended": ended.rowcount})
    return int(ended.rowcount)


def start_session(store: Store, name: str) -> str:
    """A new session id for a user who just signed in (expired sessions are dropped)."""
    session_id = secrets.token_urlsafe(32)
    now = audit.now()
    with store.begin() as conn:
        expired = web_sessions.c.created_at < now - timedelta(seconds=SESSION_SECONDS)
        conn.execute(web_sessions.delete().where(expired))
        conn.execute(web_sessions.insert().values(id_hash=_token_hash(session_id),
                                                  user_name=name, created_at=now))  # fmt: skip
    return session_id


def end_session(store: Store, session_id: str) -> None:
    """End one session (signing out): its cookie no longer signs anyone in."""
    with store.begin() as conn:
        conn.execute(web_sessions.delete().where(web_sessions.c.id_hash == _token_hash(session_id)))


def user_for_session(store: Store, session_id: str, name: str) -> User | None:
    """The user of a live session of `name`, or None when it ended, expired or is not theirs."""
    since = audit.now() - timedelta(seconds=SESSION_SECONDS)
    query = (
        sa.select(users.c.name, users.c.role)
        .join(web_sessions, web_sessions.c.user_name == users.c.name)
        .where(web_sessions.c.id_hash == _token_hash(session_id), users.c.name == name,
               web_sessions.c.created_at >= since)
    )  # fmt: skip
    with store.read() as conn:
        row = conn.execute(query).first()
    return None if row is None else User(row.name, row.role)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(store: Store, name: str, actor: str) -> str:
    """A new API token for a user; only its hash is kept, so show it once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with store.begin() as conn:
        if _row(conn, name) is None:
            raise NotFound(f"no user {name!r}")
        digest = _token_hash(token)
        conn.execute(api_tokens.insert().values(token_hash=digest, user_name=name,
                                                created_at=audit.now()))  # fmt: skip
        audit.write(conn, actor, "token.add", name, None, {"token_sha256_prefix": digest[:12]})
    return token


def user_for_token(store: Store, token: str) -> User | None:
    """The user an API token belongs to, or None for an unknown token."""
    query = (
        sa.select(users.c.name, users.c.role)
        .join(api_tokens, api_tokens.c.user_name == users.c.name)
        .where(api_tokens.c.token_hash == _token_hash(token))
    )
    with store.read() as conn:
        row = conn.execute(query).first()
    return None if row is None else User(row.name, row.role)


# Verified against when the user does not exist, so a wrong name costs what a wrong
# password costs and timing does not tell which names exist.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))
