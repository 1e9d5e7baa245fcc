"""What `concord fetch` remembers per URL: validators and checksum of the last download.

Kept in the mirror, `<mirror>/.concord-fetch.json`, not in the store: it describes the
mirror's files (an ETag stands for a file on disk), a mirror is used without any store
(offline, by several stores, copied to another machine) and `discover` ignores files at the
mirror's top level. Written atomically (temp file, rename).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

STATE_FILE = ".concord-fetch.json"


@dataclass
class UrlState:
    """The last accepted download of one URL."""

    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    path: str | None = None  # the file in the mirror it landed as
    fetched_at: str | None = None


@dataclass
class FetchState:
    """Every URL's state, and each source's last accepted entry count."""

    urls: dict[str, UrlState]
    entries: dict[str, int]

    @classmethod
    def load(cls, mirror: Path) -> FetchState:
        """The state of a mirror (empty when it has none or it is unreadable)."""
        try:
            data: dict[str, Any] = json.loads((mirror / STATE_FILE).read_text("utf-8"))
        except (OSError, ValueError):
            return cls({}, {})
        urls = {url: UrlState(**value) for url, value in data.get("urls", {}).items()}
        return cls(urls, {k: int(v) for k, v in data.get("entries", {}).items()})

    def save(self, mirror: Path) -> None:
        """Write the state beside the mirror's source folders, atomically."""
        doc = {"urls": {u: asdict(s) for u, s in sorted(self.urls.items())},
               "entries": dict(sorted(self.entries.items()))}  # fmt: skip
        temp = mirror / (STATE_FILE + ".tmp")
        temp.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
        os.replace(temp, mirror / STATE_FILE)
