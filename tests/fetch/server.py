"""A publisher's server on loopback for the fetch tests: it serves, at an official URL's
path, bytes the test chose (the real files of the mirror, or cut versions of them), with
ETag / Last-Modified validators and 304 answers to conditional requests."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

LAST_MODIFIED = "Tue, 08 Dec 2026 06:00:00 GMT"


@dataclass
class Publisher:
    """What the server serves (path -> bytes), and every request it answered."""

    files: dict[str, bytes] = field(default_factory=dict)
    validators: bool = True  # False: a server that ignores conditional requests
    log: list[tuple[str, int, dict[str, str]]] = field(default_factory=list)
    base_url: str = ""

    def serve(self, url: str, body: bytes) -> None:
        """Serve `body` at the path (and query) of an official URL."""
        parts = urlsplit(url)
        self.files[parts.path + (f"?{parts.query}" if parts.query else "")] = body

    def statuses(self) -> list[int]:
        """The status of each answer, in order."""
        return [status for _, status, _ in self.log]


def _handler(pub: Publisher) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pub.files.get(self.path)
            asked = {k: v for k, v in self.headers.items()
                     if k.lower() in ("if-none-match", "if-modified-since")}  # fmt: skip
            if body is None:
                pub.log.append((self.path, 404, asked))
                self.send_error(404)
                return
            etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
            if pub.validators and self.headers.get("If-None-Match") == etag:
                pub.log.append((self.path, 304, asked))
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            pub.log.append((self.path, 200, asked))
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            if pub.validators:
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", LAST_MODIFIED)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


@contextmanager
def publisher() -> Iterator[Publisher]:
    """A running server on 127.0.0.1 (a free port) in a thread, stopped on exit."""
    pub = Publisher()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(pub))
    pub.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield pub
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
