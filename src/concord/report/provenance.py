"""Where a report's numbers come from: per list, the snapshot it reflects ("data as of"),
the official files of that snapshot (path in the mirror and sha256), and when and by which
Concord version the report was made."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from concord import __version__
from concord.sources.registry import sources
from concord.store import Store


@dataclass(frozen=True)
class ListSnapshot:
    """One list as the report reflects it: its newest accepted snapshot (on `as_of`)."""

    source: str
    jurisdiction: str
    publisher: str
    title: str
    data_as_of: date
    observed: date
    files: tuple[tuple[str, str], ...]  # (path relative to the mirror, sha256 of the file)


@dataclass(frozen=True)
class Provenance:
    """The lists behind a report, and when and by what it was made."""

    lists: tuple[ListSnapshot, ...]
    generated: datetime
    version: str = __version__

    @property
    def generated_text(self) -> str:
        """The generation time as shown: `2026-01-31 12:00:00 UTC`."""
        return self.generated.strftime("%Y-%m-%d %H:%M:%S UTC")

    def rows(self) -> list[dict[str, Any]]:
        """One row per file, for the workbook's provenance sheet."""
        made = self.generated_text
        return [
            {"source": s.source, "jurisdiction": s.jurisdiction, "publisher": s.publisher,
             "data_as_of": s.data_as_of.isoformat(), "observed": s.observed.isoformat(),
             "file": path, "sha256": digest, "generated": made, "concord_version": self.version}
            for s in self.lists
            for path, digest in s.files
        ]  # fmt: skip


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes as stored (a `.gz` file hashed compressed), or a note
    when the file has left the mirror since it was ingested."""
    if not path.is_file():
        return "(file no longer in the mirror)"
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _relative(file: str, folder: str) -> str:
    # A snapshot folder is <mirror>/<source>/<date>: name files from the mirror down.
    mirror = Path(folder).parent.parent
    try:
        return Path(file).relative_to(mirror).as_posix()
    except ValueError:
        return Path(file).name


def _list_snapshot(row: dict[str, Any]) -> ListSnapshot:
    known = sources().get(row["source"])
    files = tuple((_relative(f, row["path"]), file_sha256(Path(f))) for f in row["files"])
    return ListSnapshot(
        source=row["source"],
        jurisdiction=known.jurisdiction if known else "",
        publisher=known.publisher if known else "",
        title=known.title if known else row["source"],
        data_as_of=row["effective"],
        observed=row["observed"],
        files=files,
    )


def provenance(store: Store, as_of: date | None = None) -> Provenance:
    """Per source, the newest accepted snapshot (on or before `as_of` when given)."""
    with store.read() as conn:
        names = sorted({r["source"] for r in store.snapshot_rows() if r["status"] == "ok"})
        rows = [
            store.snapshot_as_of(conn, name, as_of) if as_of else store.current_snapshot(conn, name)
            for name in names
        ]
    return Provenance(
        lists=tuple(_list_snapshot(r) for r in rows if r is not None),
        generated=datetime.now(UTC).replace(microsecond=0),
    )
