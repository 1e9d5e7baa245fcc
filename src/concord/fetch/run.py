"""Download each source's current official files into the mirror's dated layout.

Per source: a conditional GET of each of its URLs (`sources.yml`); when nothing is new (304,
or the same sha256 as last time) the source is `unchanged`. Otherwise the files are put
together in a temporary folder inside the mirror (a file that did not change is taken from
its last download), parsed there with the source's own parser, and refused when the parser
refuses them, when they hold no entries, or far fewer than last time (`min_ratio`): then
nothing lands and the previous snapshot stays. Accepted files are moved, by rename, to
`<mirror>/<source>/<YYYY-MM-DD>/<official file name>` (`.gz` added to a gzip body), where
`concord ingest` and `ingest_mirror` read them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from fnmatch import fnmatch
from pathlib import Path

from concord.errors import BadInput, ConcordError, ParseError, SourceUnavailable
from concord.fetch.download import Download, get, map_url, url_file_name
from concord.fetch.state import FetchState, UrlState
from concord.ingest import IngestReport, ingest_mirror
from concord.ingest.folders import official_name, read_official
from concord.sources.registry import Source, get_source, sources
from concord.store import Store

GZIP_MAGIC = b"\x1f\x8b"


@dataclass
class SourceFetch:
    """What became of one source: `new` (landed in `folder`), `unchanged`, `refused`,
    `unavailable` (the server did not answer) or `no-urls`."""

    source: str
    status: str
    message: str = ""
    folder: Path | None = None
    files: dict[str, str] = field(default_factory=dict)  # file name -> sha256
    entries: int | None = None


@dataclass(frozen=True)
class FetchOptions:
    """Where to fetch from and to."""

    mirror: Path
    base_url: str | None = None  # serve the official paths from here (tests, a proxy)
    today: date | None = None
    timeout: float = 60.0


def file_name(src: Source, url: str) -> str:
    """The name a URL's file gets in a snapshot folder: the publisher's, when the source's
    formats know it; else the first format's main name (`eu-fsf` serves `content?token=`)."""
    name = url_file_name(url)
    patterns = [n for f in src.formats for n in (f.main, *f.optional)]
    if any(fnmatch(src.official_name(name.lower()), p) for p in patterns):
        return name
    return src.formats[0].main.replace("*", src.id)


def check_folder(src: Source, folder: Path, before: int | None) -> int:
    """Parse a folder of downloaded files with the source's parser: its entry count, or
    BadInput / ParseError saying why it must not land."""
    paths = [p for p in folder.iterdir() if p.is_file()]
    named = {src.official_name(official_name(p)): p for p in paths}
    fmt = src.choose_format(named)
    try:
        parsed = fmt.load()({name: read_official(named[name]) for name in fmt.members(named)})
    except ParseError as exc:  # name the file as it would land, not the scratch path
        raise ParseError(Path(exc.filename).name, exc.reason) from None
    count = len(parsed.records)
    if not count:
        raise BadInput("holds no entries: refused, it would delist everyone")
    if before and count / before < src.min_ratio:
        raise BadInput(f"holds {count} entries, {count / before:.0%} of the {before} of the "
                       f"last download: refused as likely truncated")  # fmt: skip
    return count


def _landed_name(name: str, path: Path) -> str:
    with path.open("rb") as handle:
        gz = handle.read(2) == GZIP_MAGIC
    return f"{name}.gz" if gz and not name.lower().endswith(".gz") else name


def _download_all(src: Source, opts: FetchOptions, state: FetchState,
                  work: Path) -> list[tuple[str, Download, str]]:  # fmt: skip
    """Each URL's download into `work`: (url, answer, file name in the folder)."""
    out = []
    for url in src.urls:
        name = file_name(src, url)
        got = get(map_url(url, opts.base_url), state.urls.get(url), work / name, opts.timeout)
        if not got.not_modified and got.path is not None:
            landed = _landed_name(name, got.path)
            if landed != name:
                got.path = got.path.rename(work / landed)
            name = landed
        out.append((url, got, name))
    return out


def _unchanged(url: str, got: Download, state: FetchState) -> bool:
    held = state.urls.get(url)
    return got.not_modified or (held is not None and held.sha256 == got.sha256)


def _complete(got: list[tuple[str, Download, str]], state: FetchState, work: Path) -> None:
    """Put the last download of each unchanged file beside the new ones."""
    for url, answer, _ in got:
        held = state.urls.get(url)
        if answer.not_modified and held is not None and held.path and Path(held.path).is_file():
            shutil.copy2(held.path, work / Path(held.path).name)
        elif answer.not_modified:
            raise BadInput(f"{url}: server says not modified, but its last download is gone")


def _land(work: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    if not dest.exists():
        os.replace(work, dest)
        return
    # A second fetch on one day: its files replace the day's (one rename each).
    for path in work.iterdir():
        for old in dest.iterdir():
            if official_name(old) == official_name(path) and old.name != path.name:
                old.unlink()
        os.replace(path, dest / path.name)


def _remember(state: FetchState, got: list[tuple[str, Download, str]], dest: Path) -> None:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for url, answer, name in got:
        if answer.not_modified:
            continue
        state.urls[url] = UrlState(answer.etag, answer.last_modified, answer.sha256,
                                   str(dest / name), now)  # fmt: skip


def _refresh(state: FetchState, got: list[tuple[str, Download, str]]) -> None:
    """Keep the newest validators of a file whose bytes did not change (a server that
    changed its ETag but not the file: the next request is conditional on the new one)."""
    for url, answer, _ in got:
        held = state.urls.get(url)
        if held is not None and not answer.not_modified:
            held.etag, held.last_modified = answer.etag, answer.last_modified


def fetch_source(src: Source, opts: FetchOptions, state: FetchState) -> SourceFetch:
    """Fetch one source into the mirror (the state is updated in memory)."""
    if not src.urls:
        return SourceFetch(src.id, "no-urls", "no official URL in sources.yml")
    scratch = opts.mirror / ".fetch-tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{src.id}-", dir=scratch))
    try:
        got = _download_all(src, opts, state, work)
        if all(_unchanged(url, answer, state) for url, answer, _ in got):
            _refresh(state, got)
            return SourceFetch(src.id, "unchanged", "same files as the last download")
        _complete(got, state, work)
        entries = check_folder(src, work, state.entries.get(src.id))
        dest = opts.mirror / src.id / (opts.today or date.today()).isoformat()
        files = {name: a.sha256 or "" for _, a, name in got if not a.not_modified}
        _land(work, dest)
        _remember(state, got, dest)
        state.entries[src.id] = entries
        return SourceFetch(src.id, "new", f"{entries} entries", dest, files, entries)
    except SourceUnavailable as exc:
        return SourceFetch(src.id, "unavailable", str(exc))
    except ConcordError as exc:  # ParseError, BadInput: the parser's or the count's refusal
        return SourceFetch(src.id, "refused", f"download refused: {exc}; previous snapshot kept")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        with contextlib.suppress(OSError):
            scratch.rmdir()  # left only while a fetch runs: `discover` would report it


def fetch(opts: FetchOptions, only: tuple[str, ...] = ()) -> list[SourceFetch]:
    """Fetch the named sources (every source with URLs when none is named)."""
    chosen = [get_source(s) for s in only] if only else [
        s for s in sources().values() if s.urls]  # fmt: skip
    opts.mirror.mkdir(parents=True, exist_ok=True)
    state = FetchState.load(opts.mirror)
    out = []
    for src in chosen:
        out.append(fetch_source(src, opts, state))
        state.save(opts.mirror)
    return out


def ingest_fetched(store: Store, opts: FetchOptions, done: list[SourceFetch]) -> IngestReport:
    """Ingest the mirror folders of the sources that got new files (an empty report when
    none did)."""
    landed = {f.source for f in done if f.status == "new"}
    if not landed:
        return IngestReport()
    return ingest_mirror(store, opts.mirror, only=landed)
