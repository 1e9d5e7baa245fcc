"""Deliver a stored alert: a signed webhook POST (retried with backoff) and an outbox file.

The webhook body is the alert's stored JSON, byte for byte the same on every attempt and
every run; `X-Concord-Signature: sha256=<hex HMAC-SHA256 of the body with the rule's
secret>` lets the receiver check it came from us, and `Idempotency-Key: <alert id>` lets it
drop a repeat (a retry after a lost answer). Every attempt is logged in `alert_deliveries`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from concord.store import Store
from concord.store.alert_tables import alert_deliveries

USER_AGENT = "concord-alerts/1"


@dataclass(frozen=True)
class Delivery:
    """How hard to try a webhook: `attempts` tries, waiting `backoff`, then twice as long
    each time (2, 4, 8, 16 s by default), each try waiting at most `timeout` seconds."""

    attempts: int = 5
    backoff: float = 2.0
    timeout: float = 10.0
    sleep: Callable[[float], None] = time.sleep


def signature(secret: str, body: bytes) -> str:
    """The `X-Concord-Signature` header value of a body.

    >>> value = signature("key", b"{}")
    >>> value.startswith("sha256="), len(value)
    (True, 71)
    """
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _log(store: Store, alert_id: str, channel: str, attempt: int, ok: bool,
         status: int | None = None, error: str | None = None) -> None:  # fmt: skip
    # One transaction per attempt: the log survives whatever happens to the next one.
    with store.begin() as conn:
        conn.execute(alert_deliveries.insert().values(
            alert_id=alert_id, channel=channel, attempt=attempt, ok=ok, http_status=status,
            error=error, at=datetime.now(UTC).replace(tzinfo=None)))  # fmt: skip


def _post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        status: int = response.status
        return status


def post_webhook(store: Store, alert_id: str, body: bytes, url: str, secret: str,
                 how: Delivery) -> bool:  # fmt: skip
    """POST an alert until a 2xx answer or `how.attempts` failures; True when delivered."""
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Idempotency-Key": alert_id,
        "X-Concord-Signature": signature(secret, body),
    }
    wait = how.backoff
    for attempt in range(1, how.attempts + 1):
        status: int | None = None
        try:
            status = _post(url, body, headers, how.timeout)
            error = None if 200 <= status < 300 else f"HTTP {status}"
        except urllib.error.HTTPError as exc:
            status, error = exc.code, f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            error = str(getattr(exc, "reason", exc))
        _log(store, alert_id, "webhook", attempt, error is None, status, error)
        if error is None:
            return True
        if attempt < how.attempts:
            how.sleep(wait)
            wait *= 2
    return False


def append_outbox(store: Store, alert_id: str, body: bytes, path: Path) -> bool:
    """Append the alert as one JSON line, in one `write` to a file opened for appending
    (so concurrent writers never interleave a line), flushed to disk."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, body + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        _log(store, alert_id, "outbox", 1, False, error=f"{path}: {exc.strerror}")
        return False
    _log(store, alert_id, "outbox", 1, True)
    return True
