"""The contract every parser keeps.

A parser is a pure function from the bytes of one snapshot's files to a `ParsedList`:

    def parse(files: Mapping[str, bytes]) -> ParsedList

`files` maps each official file name (lower-case, without `.gz`, e.g. ``"sdn.csv"``) to its
decompressed bytes. The parser splits the list into `Record`s, one per list entry, cheaply;
each record builds its FollowTheMoney entities only when asked (`Record.build()`), so that
the store can skip records whose raw content (`fingerprint`) has not changed since the last
snapshot. Malformed input raises `concord.errors.ParseError` naming the file and the reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

from followthemoney import StatementEntity

from concord.errors import ParseError
from concord.model import entities
from concord.model.regimes import Regime, registry

Builder = Callable[[], list[StatementEntity]]


@dataclass(frozen=True)
class Record:
    """One entry of one list, before it becomes entities.

    Attributes:
        local_id: the list's own identifier, e.g. ``"36"``; the entry key is
            ``f"{source}:{local_id}"``.
        fingerprint: a hash of the entry's raw content: equal iff the raw content is equal.
        build: makes the entry's entities: its main entity (Person, Organization,
            LegalEntity, Vessel...) first, then one Sanction per designation, then any others.
        raw: identifying fields as the list writes them (e.g. Canada's country/schedule/item).
        parts: optional fingerprints per component file (e.g. ``{"sdn": ..., "alt": ...}``),
            one for each component present in the snapshot. With them the store can tell
            that an entry is unchanged when only an absent component differs (its statements
            are carried forward), and a change of file format with the same content
            rebuilds nothing.
    """

    local_id: str
    fingerprint: str
    build: Builder
    raw: Mapping[str, str] = field(default_factory=dict)
    parts: Mapping[str, str] | None = None

    def fingerprints(self) -> dict[str, str]:
        """The fingerprints the store compares: `parts`, or the whole record's."""
        return dict(self.parts) if self.parts is not None else {"*": self.fingerprint}


@dataclass
class ParsedList:
    """What a parser makes of one snapshot.

    Attributes:
        source: the source id, e.g. ``"us-ofac"``.
        records: one per list entry, in file order.
        published: the publication date the file states, if any.
        components: the component files present (e.g. ``{"sdn", "alt"}``); statements carry
            their component as FtM ``origin``, and those of an absent component are carried
            forward by the store rather than read as removed.
        warnings: things a person should know: unknown regime strings, unexpected columns.
    """

    source: str
    records: list[Record]
    published: date | None = None
    components: frozenset[str] = frozenset()
    warnings: list[str] = field(default_factory=list)

    def entities(self) -> Iterator[StatementEntity]:
        """Every entity of every record (builds them all: for tests and exports)."""
        for record in self.records:
            yield from record.build()


def fingerprint(*parts: object) -> str:
    """A stable hash of a record's raw parts.

    >>> fingerprint("a", ["b", "c"]) == fingerprint("a", ["b", "c"])
    True
    """
    digest = hashlib.sha1()
    for part in parts:
        digest.update(repr(part).encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()


def decode_text(filename: str, data: bytes, encodings: Iterable[str] = ("utf-8",)) -> str:
    """Decode a text file, refusing empty files and undecodable bytes with a clear error."""
    if not data.strip(b"\x00\x1a \r\n\t"):
        raise ParseError(filename, "file is empty")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ParseError(filename, f"not valid text in {', '.join(encodings)}")


class RegimeLookup:
    """Maps a list's regime strings to registry regimes and remembers the unknown ones."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.unknown: set[str] = set()

    def __call__(self, label: str) -> Regime | None:
        regime = registry().lookup(self.source, label)
        if regime is None and label.strip():
            self.unknown.add(label.strip())
        return regime

    def warnings(self) -> list[str]:
        """One warning per unknown regime string (never silently dropped)."""
        return [f"unknown regime string {label!r}" for label in sorted(self.unknown)]


def make_sanction(
    main: StatementEntity,
    label: str,
    regime: Regime | None,
    origin: str | None = None,
) -> StatementEntity:
    """A Sanction entity for one designation of `main` under the regime named `label`.

    Its id is stable (entry + regime key, or the raw label when the regime is unknown). The
    caller adds listingDate, reason, authorityId and the like.
    """
    source = entities.source_of(main)
    key = regime.key if regime is not None else label
    sanction = entities.make(source, "Sanction", entities.sanction_id(main.id or "", key))
    sanction.add("entity", main.id, origin=origin)
    sanction.add("program", label.strip(), origin=origin)
    if regime is not None:
        sanction.add("programId", regime.key, origin=origin)
        sanction.add("country", regime.jurisdiction.lower(), origin=origin, quiet=True)
        if regime.url:
            sanction.add("programUrl", regime.url, origin=origin)
    return sanction
