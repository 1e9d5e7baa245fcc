"""One conditional HTTP GET, streamed to a file while its sha256 is computed (stdlib only)."""

from __future__ import annotations

import hashlib
import http.client
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from concord.errors import BadInput, SourceUnavailable
from concord.fetch.state import UrlState

USER_AGENT = "concord-fetch/1 (+https://github.com/concord)"
CHUNK = 1 << 16
MAX_DOWNLOAD = 1024**3  # 1 GiB: no official list is near it


@dataclass
class Download:
    """The answer to one GET: `not_modified` (304), or a body saved at `path`."""

    url: str
    not_modified: bool
    path: Path | None = None
    sha256: str | None = None
    size: int = 0
    etag: str | None = None
    last_modified: str | None = None


def map_url(url: str, base_url: str | None) -> str:
    """The official URL, or its path and query on `base_url` (a local server, a proxy).

    >>> map_url("https://example.org/a/SDN.CSV?x=1", "http://127.0.0.1:8123/")
    'http://127.0.0.1:8123/a/SDN.CSV?x=1'
    """
    if not base_url:
        return url
    parts = urlsplit(url)
    return base_url.rstrip("/") + parts.path + (f"?{parts.query}" if parts.query else "")


def url_file_name(url: str) -> str:
    """The last path segment of a URL (`.../exports/SDN.CSV` -> `SDN.CSV`)."""
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])


def _headers(held: UrlState | None) -> dict[str, str]:
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
    if held is not None and held.etag:
        headers["If-None-Match"] = held.etag
    if held is not None and held.last_modified:
        headers["If-Modified-Since"] = held.last_modified
    return headers


def get(url: str, held: UrlState | None, target: Path, timeout: float = 60.0) -> Download:
    """GET `url` with the validators of the last download; the body goes to `target`.

    Raises SourceUnavailable when the server does not answer or answers an error.
    """
    request = urllib.request.Request(url, headers=_headers(held))
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Download(url, True)
        raise SourceUnavailable(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise SourceUnavailable(f"{url}: {getattr(exc, 'reason', exc)}") from None
    digest, size = hashlib.sha256(), 0
    try:
        with response, target.open("wb") as out:
            while chunk := response.read(CHUNK):
                size += len(chunk)
                if size > MAX_DOWNLOAD:
                    raise BadInput(f"{url}: larger than {MAX_DOWNLOAD >> 20} MiB, refused")
                digest.update(chunk)
                out.write(chunk)
            etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
    except (OSError, ValueError, http.client.HTTPException) as exc:  # cut mid-body
        raise SourceUnavailable(f"{url}: download cut short ({exc})") from None
    return Download(url, False, target, digest.hexdigest(), size, etag, modified)
