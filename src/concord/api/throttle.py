"""Slow down password guessing: after a few wrong passwords for one user name from one
address, sign-in is refused for a while (kept in memory: one process, reset on restart)."""

from __future__ import annotations

import time
from collections import defaultdict
from threading import Lock

MAX_FAILURES = 5
WINDOW = 15 * 60  # seconds: failures older than this are forgotten


class SignInThrottle:
    """Counts recent failed sign-ins per (user name, client address).

    >>> throttle = SignInThrottle(max_failures=2, window=60)
    >>> for _ in range(2):
    ...     throttle.failed("ana", "10.0.0.1", now=0.0)
    >>> throttle.wait("ana", "10.0.0.1", now=30.0), throttle.wait("ana", "10.0.0.2", now=30.0)
    (30, 0)
    >>> throttle.wait("ana", "10.0.0.1", now=61.0)
    0
    """

    def __init__(self, max_failures: int = MAX_FAILURES, window: int = WINDOW) -> None:
        self.max_failures = max_failures
        self.window = window
        self._failures: dict[tuple[str, str], list[float]] = defaultdict(list)
        self._lock = Lock()

    def _recent(self, key: tuple[str, str], now: float) -> list[float]:
        recent = [t for t in self._failures.get(key, []) if now - t < self.window]
        self._failures[key] = recent
        return recent

    def wait(self, name: str, address: str, now: float | None = None) -> int:
        """Seconds until this user name may try again from this address (0: now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            recent = self._recent((name.lower(), address), now)
            if len(recent) < self.max_failures:
                return 0
            return max(1, int(recent[0] + self.window - now))

    def failed(self, name: str, address: str, now: float | None = None) -> None:
        """Count one wrong password."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._recent((name.lower(), address), now).append(now)

    def succeeded(self, name: str, address: str) -> None:
        """Forget the failures of a user name that signed in from this address."""
        with self._lock:
            self._failures.pop((name.lower(), address), None)
