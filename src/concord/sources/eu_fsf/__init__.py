"""EU Financial Sanctions Files (FSF): the consolidated list as XML (schema 1.1).

An entry is keyed by its ``logicalId``; an entry listed under several regulations comes
as several adjacent ``sanctionEntity`` elements with that ``logicalId``, one per regulation
and each with its own copy of the details. Each regulation names a programme code (``HR``
for the EU Global Human Rights Sanctions Regime, ``UKR``, ``TAQA``...); the entry gets one
Sanction per programme.

The file's ``generationDate`` is the publication date. This module splits the file into
records; `concord.sources.eu_fsf.build` makes their entities (and says how Sanctions are
dated).

Example:
    >>> try:
    ...     parse_xml({"fsf.xml": b"<export"})
    ... except ParseError as exc:
    ...     print(exc)
    fsf.xml: truncated or malformed XML at line 1: Couldn't find end of Start Tag export
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lxml import etree

from concord.errors import ParseError
from concord.sources import base
from concord.sources.eu_fsf.build import (
    NS,
    ORIGIN,
    SOURCE,
    birth_dates,
    build_entry,
    listing_date_in,
)
from concord.sources.xmlsafe import iter_events, parse_root

__all__ = ["SOURCE", "birth_dates", "iter_entries", "listing_date_in", "parse_xml"]

_DETAIL = "regulationLanguage logicalId"
_PLACE = f"region countryIso2Code countryDescription {_DETAIL}"
_SUMMARY = "regulationType publicationDate numberTitle publicationUrl"
# The tags and attributes the parser knows (namespace stripped); others become warnings.
KNOWN: dict[str, frozenset[str]] = {
    tag: frozenset(attrs.split())
    for tag, attrs in {
        "export": "generationDate globalFileId",
        "sanctionEntity": "logicalId designationDate designationDetails delistingDate "
        "unitedNationId euReferenceNumber",
        "remark": "",
        "additionalInformation": "key value",
        "regulation": "regulationType organisationType publicationDate entryIntoForceDate "
        "numberTitle programme logicalId",
        "publicationUrl": "",
        "corrigendum": _SUMMARY,
        "regulationSummary": _SUMMARY,
        "subjectType": "code classificationCode",
        "nameAlias": "firstName middleName lastName wholeName function gender title "
        f"nameLanguage strong {_DETAIL}",
        "citizenship": f"acquisitionDate disenfranchisementDate {_PLACE}",
        "birthdate": "circa calendarType city zipCode birthdate dayOfMonth monthOfYear year "
        f"yearRangeFrom yearRangeTo place {_PLACE}",
        "address": f"city street poBox zipCode place asAtListingTime {_PLACE}",
        "contactInfo": "key value",
        "identification": "diplomatic knownExpired knownFalse reportedLost revokedByIssuer "
        "issueDate issuedBy latinNumber nameOnDocument number validFrom validTo "
        f"identificationTypeCode identificationTypeDescription {_PLACE}",
    }.items()
}


@dataclass
class _Split:
    """What splitting learns besides the records: regimes, unknown fields, the file date."""

    filename: str
    lookup: base.RegimeLookup = field(default_factory=lambda: base.RegimeLookup(SOURCE))
    seen: set[tuple[str, ...]] = field(default_factory=set)
    programmes: set[str] = field(default_factory=set)
    unknown: set[str] = field(default_factory=set)
    published: date | None = None

    def check(self, entry: Any) -> None:
        """Note tags and attributes the parser does not know (each shape checked once)."""
        shapes = {(el.tag, *el.keys()) for el in entry.iter()} - self.seen
        self.seen.update(shapes)
        for tag, *attrs in shapes:
            name = tag.rpartition("}")[2] if isinstance(tag, str) else "?"
            known = KNOWN.get(name)
            if known is None:
                self.unknown.add(name)
            else:
                self.unknown.update(f"{name}@{a}" for a in attrs if a not in known)

    def warnings(self) -> list[str]:
        extra = [f"unexpected XML field {name}" for name in sorted(self.unknown)]
        return self.lookup.warnings() + extra

    def root(self, root: Any) -> None:
        """Check the root element and read the file's generation date."""
        if root.tag != f"{NS}export":
            raise ParseError(self.filename, f"not an EU FSF export (root {root.tag})")
        self.unknown.update(f"export@{a}" for a in root.attrib if a not in KNOWN["export"])
        stamp = (root.get("generationDate") or "")[:10]
        try:
            self.published = date.fromisoformat(stamp) if stamp else None
        except ValueError:
            raise ParseError(self.filename, f"bad generationDate {stamp!r}") from None

    def record(self, elements: list[Any]) -> base.Record:
        """The record of one entry: its ``sanctionEntity`` elements (one per regulation)."""
        local_id = (elements[0].get("logicalId") or "").strip()
        if not local_id:
            line = elements[0].sourceline
            raise ParseError(self.filename, f"sanctionEntity without logicalId at line {line}")
        for element in elements:
            for regulation in element.iterchildren(f"{NS}regulation"):
                programme = regulation.get("programme") or ""
                if programme not in self.programmes:  # lookups are slow-ish: once each
                    self.programmes.add(programme)
                    self.lookup(programme)
            self.check(element)
        lookup = self.lookup
        # A digest of the serialized elements stands for them (repr of bytes is slower).
        digest = hashlib.sha1(b"".join(etree.tostring(e) for e in elements)).hexdigest()
        return base.Record(
            local_id=local_id,
            fingerprint=base.fingerprint(digest),
            build=lambda: build_entry(elements, lookup),
            raw={"euReferenceNumber": elements[0].get("euReferenceNumber") or ""},
        )


def iter_entries(data: bytes, filename: str = "eu-fsf.xml") -> Iterator[base.Record]:
    """Records of the complete entries, streamed in file order.

    An entry listed under several regulations is several adjacent ``sanctionEntity``
    elements with one ``logicalId``; its record is yielded once the next entry starts. On a
    truncated file this yields every complete entry, then raises `ParseError` at the cut
    (`parse_xml` refuses such a file as a whole).
    """
    split, pending = _Split(filename), []
    tags = (f"{NS}export", f"{NS}sanctionEntity")
    for event, element in iter_events(filename, data, tags):
        if element.tag == f"{NS}export":
            if event == "start":
                split.root(element)
        elif event == "end":
            pending.append(element)
        elif pending and element.get("logicalId") != pending[0].get("logicalId"):
            yield split.record(pending)
            pending = []
    if pending:
        yield split.record(pending)


def parse_xml(files: Mapping[str, bytes]) -> base.ParsedList:
    """Parse an EU FSF XML export (the one ``*.xml`` file of the snapshot)."""
    names = sorted(name for name in files if name.endswith(".xml"))
    if len(names) != 1:
        raise ParseError(SOURCE, f"expected one .xml file, got {names or 'none'}")
    split = _Split(names[0])
    root = parse_root(names[0], files[names[0]])
    split.root(root)
    entries: dict[str, list[Any]] = {}
    for element in root.iterchildren(f"{NS}sanctionEntity"):
        entries.setdefault(element.get("logicalId") or "", []).append(element)
    if not entries:
        raise ParseError(names[0], "no sanctionEntity in the file")
    return base.ParsedList(
        source=SOURCE,
        records=[split.record(elements) for elements in entries.values()],
        published=split.published,
        components=frozenset({ORIGIN}),
        warnings=split.warnings(),
    )
