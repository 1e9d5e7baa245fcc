"""A small real store for the alert tests: OFAC's SDN list of 2022-12-08 and 2022-12-09 (the
day of ~180 GLOMAG additions), the UK's OFSI list of 2022-05-04 and Canada's SEMA list of
2022-05-11, resolved once (module scope, ~40 s); and a webhook receiver on loopback."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from concord.ingest import ingest_files
from concord.resolve.run import resolve
from concord.store import Store
from tests.conftest import MIRROR

SNAPSHOTS = [
    ("us-ofac", "2022-12-08", "sdn.csv.gz"),
    ("gb-ofsi", "2022-05-04", "ConList.xlsx"),
    ("ca-sema", "2022-05-11", "sema-lmes.xml"),
    ("us-ofac", "2022-12-09", "sdn.csv.gz"),
]
SECRET = "test-secret-not-for-production"


@pytest.fixture(scope="package")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('alerts') / 'alerts.sqlite'}")
    for source, day, name in SNAPSHOTS:
        report = ingest_files(
            store, source, date.fromisoformat(day), [MIRROR / source / day / name]
        )
        assert [o.status for o in report.outcomes] == ["added"]
    resolve(store)
    return store


@dataclass
class Receiver:
    """A webhook endpoint: answers 500 to its first `fail_first` requests, then 200; keeps
    every request, and the alerts it accepted by idempotency key (a repeat is dropped)."""

    secret: str = SECRET
    fail_first: int = 0
    url: str = ""
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    accepted: dict[str, dict[str, Any]] = field(default_factory=dict)
    repeats: int = 0
    bad_signatures: int = 0

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        self.requests.append((headers, body))
        if len(self.requests) <= self.fail_first:
            return 500
        mac = hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(headers.get("X-Concord-Signature", ""), f"sha256={mac}"):
            self.bad_signatures += 1
            return 401
        key = headers["Idempotency-Key"]
        if key in self.accepted:
            self.repeats += 1
        else:
            self.accepted[key] = json.loads(body)
        return 200


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rec = Receiver()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with lock:
                status = rec.handle(dict(self.headers.items()), body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    rec.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield rec
    server.shutdown()
    server.server_close()
    thread.join()
