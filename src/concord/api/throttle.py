"""Slow down password guessing, counted on three keys (kept in memory: one process, reset
on restart):

- one user name from one address: 5 wrong passwords, then 15 minutes' wait;
- one address, any user name: 20 (spraying one password over many names);
- one user name, any address: 20 (guessing one account from many addresses).

The address is the real client's: `X-Forwarded-For` is believed only when the connection
comes from a proxy listed in `CONCORD_TRUSTED_PROXIES` (addresses or networks, comma
separated; none by default), so a client cannot pick its own address by sending the header.
"""

from __future__ import annotations

import ipaddress
import os
import time
from collections import defaultdict
from threading import Lock

MAX_FAILURES = 5  # one name from one address
MAX_PER_ADDRESS = 20  # any names from one address
MAX_PER_NAME = 20  # one name from any addresses
WINDOW = 15 * 60  # seconds: failures older than this are forgotten
ANY = "*"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_proxies(value: str | None = None) -> list[Network]:
    """The networks of `CONCORD_TRUSTED_PROXIES` (or `value`); ValueError for a bad one.

    >>> [str(n) for n in trusted_proxies("127.0.0.1, 10.0.0.0/8")]
    ['127.0.0.1/32', '10.0.0.0/8']
    """
    text = os.environ.get("CONCORD_TRUSTED_PROXIES", "") if value is None else value
    return [ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",")
            if part.strip()]  # fmt: skip


def _trusted(address: str, proxies: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(peer: str, forwarded_for: str, proxies: list[Network]) -> str:
    """The real client: the peer, unless it is a trusted proxy; then the right-most address
    of `X-Forwarded-For` that is not a trusted proxy (the left part is the client's word).

    >>> client_address("127.0.0.1", "6.6.6.6", [])
    '127.0.0.1'
    >>> proxies = trusted_proxies("127.0.0.1")
    >>> client_address("127.0.0.1", "6.6.6.6, 203.0.113.9", proxies)
    '203.0.113.9'
    """
    if not forwarded_for or not _trusted(peer, proxies):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            return hop
    return hops[0] if hops else peer


class SignInThrottle:
    """Counts recent failed sign-ins per (user name, address), per address, per user name.

    >>> throttle = SignInThrottle(max_failures=2, window=60)
    >>> for _ in range(2):
    ...     throttle.failed("ana", "10.0.0.1", now=0.0)
    >>> throttle.wait("ana", "10.0.0.1", now=30.0), throttle.wait("ana", "10.0.0.2", now=30.0)
    (30, 0)
    >>> throttle.wait("ana", "10.0.0.1", now=61.0)
    0
    """

    def __init__(
        self,
        max_failures: int = MAX_FAILURES,
        window: int = WINDOW,
        per_address: int = MAX_PER_ADDRESS,
        per_name: int = MAX_PER_NAME,
    ) -> None:
        self.window = window
        self.limits = {"pair": max_failures, "address": per_address, "name": per_name}
        self._failures: dict[tuple[str, str], list[float]] = defaultdict(list)
        self._lock = Lock()

    def _recent(self, key: tuple[str, str], now: float) -> list[float]:
        recent = [t for t in self._failures.get(key, []) if now - t < self.window]
        if recent:
            self._failures[key] = recent
        else:
            self._failures.pop(key, None)  # the table holds only live keys
        return recent

    @staticmethod
    def _keys(name: str, address: str) -> dict[str, tuple[str, str]]:
        name = name.lower()
        return {"pair": (name, address), "address": (ANY, address), "name": (name, ANY)}

    def wait(self, name: str, address: str, now: float | None = None) -> int:
        """Seconds until this user name may try again from this address (0: now)."""
        now = time.monotonic() if now is None else now
        longest = 0
        with self._lock:
            for kind, key in self._keys(name, address).items():
                recent = self._recent(key, now)
                if len(recent) >= self.limits[kind]:
                    first = recent[-self.limits[kind]]
                    longest = max(longest, 1, int(first + self.window - now))
        return longest

    def failed(self, name: str, address: str, now: float | None = None) -> None:
        """Count one wrong password."""
        now = time.monotonic() if now is None else now
        with self._lock:
            for key in self._keys(name, address).values():
                self._failures[key] = [*self._recent(key, now), now]

    def succeeded(self, name: str, address: str) -> None:
        """Forget the failures of a user name that signed in from this address (the counts
        per address and per name stay: one right password does not clear a spray)."""
        with self._lock:
            self._failures.pop((name.lower(), address), None)
