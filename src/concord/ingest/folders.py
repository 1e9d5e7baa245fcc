"""Reading snapshot folders `<source>/<YYYY-MM-DD>/<official file>[.gz]` from disk."""

from __future__ import annotations

import gzip
import hashlib
import io
import re
import zlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from concord.errors import BadInput, ParseError

DATE_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SKIP = {"provenance.md", "readme.md", ".ds_store"}
# Gzip bombs: the largest official file (OFAC's sdn_advanced.xml) is ~120 MB and the real
# files compress 5-25 times; a bomb is refused as soon as its output passes either limit,
# so memory never holds more than that (a 1.5 MB file inflating to 600 MB stops at 153 MB).
MAX_FILE = 512 * 1024**2  # bytes out, whatever the ratio
MAX_RATIO = 100  # bytes out per byte in, once the output passes RATIO_FROM
RATIO_FROM = 16 * 1024**2
CHUNK = 1024**2


@dataclass
class SnapshotFolder:
    """The files of one source observed on one day."""

    source: str
    observed: date
    paths: list[Path]
    label: str = ""
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.label:
            self.label = str(self.paths[0].parent) if self.paths else self.source


def official_name(path: Path) -> str:
    """A file's official name: lower case, without `.gz`.

    >>> official_name(Path("us-ofac/2023-12-11/sdn.csv.gz"))
    'sdn.csv'
    """
    name = path.name.lower()
    return name[:-3] if name.endswith(".gz") else name


def read_official(path: Path) -> bytes:
    """The bytes of an official file, gunzipped when stored as `.gz`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(str(path), f"cannot read: {exc.strerror}") from exc
    if not path.name.lower().endswith(".gz"):
        return data
    return gunzip(str(path), data)


def gunzip(name: str, data: bytes, max_size: int = MAX_FILE, max_ratio: int = MAX_RATIO) -> bytes:
    """The decompressed bytes of a gzip file, inflated as a stream (1 MiB at a time) and
    refused as soon as the output passes `max_size` or `max_ratio` times the input.

    >>> gunzip("a.gz", gzip.compress(b"sdn")), len(gunzip("b.gz", gzip.compress(bytes(10**6))))
    (b'sdn', 1000000)
    """
    out = io.BytesIO()
    size = 0
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            while chunk := stream.read(CHUNK):
                size += out.write(chunk)
                if size > max_size:
                    raise ParseError(name, f"decompresses to more than {max_size:,} bytes")
                if size > RATIO_FROM and size > max_ratio * len(data):
                    raise ParseError(name, f"decompresses more than {max_ratio} times its "
                                           f"size ({len(data):,} bytes): a gzip bomb")  # fmt: skip
    except (OSError, EOFError, zlib.error) as exc:
        raise ParseError(name, f"not a valid gzip file ({exc})") from exc
    return out.getvalue()


def folder_digest(files: dict[str, bytes]) -> str:
    """One sha256 for a snapshot's set of files (name + content of each)."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode())
        digest.update(hashlib.sha256(files[name]).digest())
    return digest.hexdigest()


def parse_date_dir(name: str) -> date | None:
    """The date of a `YYYY-MM-DD` folder name, or None."""
    if not DATE_DIR.match(name):
        return None
    try:
        return date.fromisoformat(name)
    except ValueError:
        return None


def discover(mirror: Path, known_sources: set[str]) -> tuple[list[SnapshotFolder], list[str]]:
    """Every snapshot folder of a mirror, oldest first per source; plus what was skipped."""
    if not mirror.is_dir():
        raise BadInput(f"mirror folder not found: {mirror}")
    found: list[SnapshotFolder] = []
    skipped: list[str] = []
    for source_dir in sorted(p for p in mirror.iterdir() if p.is_dir()):
        if source_dir.name not in known_sources:
            skipped.append(f"{source_dir}: not a known source folder")
            continue
        for day_dir in sorted(p for p in source_dir.iterdir() if p.is_dir()):
            observed = parse_date_dir(day_dir.name)
            if observed is None:
                skipped.append(f"{day_dir}: folder name is not a date YYYY-MM-DD")
                continue
            paths = sorted(
                p for p in day_dir.iterdir() if p.is_file() and p.name.lower() not in SKIP
            )
            if paths:
                found.append(SnapshotFolder(source_dir.name, observed, paths, str(day_dir)))
    return found, skipped
