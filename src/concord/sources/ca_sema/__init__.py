"""Global Affairs Canada: the Consolidated Canadian Autonomous Sanctions List (`sema-lmes.xml`).

The file is a flat list of ``<record>`` elements and carries no identifier: an entry's key is
built from its regime (the English part of ``Country``, or the regulation's abbreviation for
the Magnitsky law), its schedule and its item number, e.g. ``ca-sema:JVCFOR:51`` or
``ca-sema:Russia:1P1:54`` (see `keys`). Person, Organization or Vessel follows from the name
fields present; each entry has one Sanction, under the regime its ``Country`` names.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial

from followthemoney import StatementEntity
from lxml import etree

from concord.errors import ParseError
from concord.model import entities
from concord.sources import xmlsafe
from concord.sources.base import ParsedList, Record, RegimeLookup, fingerprint, make_sanction
from concord.sources.ca_sema.keys import NO_SCHEDULE, regime_segment, schedule_code
from concord.sources.ca_sema.text import birth_dates, org_names, split_aliases

SOURCE = "ca-sema"
FILENAME = "sema-lmes.xml"
ORIGIN = "sema"

# Element names seen in the three real files (2020 and 2022 say Entity / DateOfBirth / Title;
# 2025 says EntityOrShip / DateOfBirthOrShipBuildDate / TitleOrShip and adds two fields).
KNOWN = frozenset(
    {
        "Country",
        "LastName",
        "GivenName",
        "Entity",
        "EntityOrShip",
        "Title",
        "TitleOrShip",
        "ShipIMONumber",
        "DateOfBirth",
        "DateOfBirthOrShipBuildDate",
        "Aliases",
        "Schedule",
        "Item",
        "DateOfListing",
    }
)


# Safe XML reading with this parser's own rules and words; blank text and comments stay in
# the tree, as they always have (the fingerprints are made from it).
XML_RULES = xmlsafe.Rules(
    xmlsafe.SAFE,
    declarations=re.compile(rb"<!DOCTYPE|<!ENTITY"),
    refused="document type declarations are not allowed",
    blank=b"\x00\x1a \r\n\t",
    syntax_error=xmlsafe.plain_syntax_error("not well-formed XML"),
)


@dataclass
class _Raw:
    """One ``<record>`` as read: its fields in file order, and the first of each tidied."""

    index: int
    items: list[tuple[str, str]]
    first: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, text in reversed(self.items):
            self.first[name] = " ".join(text.split())  # NBSPs and newlines count as spaces

    def get(self, tag: str) -> str:
        """The tidied text of the first `tag`, or ""."""
        return self.first.get(tag, "")

    def texts(self, *tags: str) -> list[str]:
        """The tidied, non-empty texts of every element named in `tags`."""
        return [" ".join(t.split()) for n, t in self.items if n in tags and t.strip()]


def _parse_root(data: bytes) -> etree._Element:
    root: etree._Element = xmlsafe.parse_root(FILENAME, data, XML_RULES)
    if _local(root.tag) != "data-set":
        raise ParseError(FILENAME, f"root element is <{root.tag}>, expected <data-set>")
    return root


def _local(tag: str) -> str:
    return tag if tag[0] != "{" else tag.rpartition("}")[2]


# The longest field of the real files is 537 characters (an Aliases list); a field of
# hundreds of thousands is damage, and would cost minutes in the name and country code.
MAX_FIELD = 20_000


def _read(root: etree._Element) -> Iterator[_Raw]:
    for index, element in enumerate(root.iterchildren(tag=etree.Element), start=1):
        if _local(element.tag) != "record":
            raise ParseError(FILENAME, f"element {index} is <{element.tag}>, expected <record>")
        items = [
            (
                _local(child.tag),
                (child.text or "") if len(child) == 0 else "".join(child.itertext()),
            )
            for child in element.iterchildren(tag=etree.Element)
        ]
        for name, value in items:
            if len(value) > MAX_FIELD:
                raise ParseError(
                    FILENAME,
                    f"record {index}: <{name}> holds {len(value):,} characters (more than "
                    f"{MAX_FIELD:,}): a damaged file",
                )
        yield _Raw(index, items)


def _regime_key(lookup: RegimeLookup, label: str) -> str | None:
    regime = lookup(label)
    return regime.key if regime is not None else None


def _base_key(raw: _Raw, lookup: RegimeLookup) -> str:
    country = raw.get("Country")
    if not country:
        raise ParseError(FILENAME, f"record {raw.index} has no Country")
    key = _regime_key(lookup, country)
    parts = [regime_segment(country, key), schedule_code(raw.get("Schedule"), key)]
    return ":".join(p for p in parts if p)


def _main_name(raw: _Raw) -> str:
    person = " ".join(p for p in (raw.get("GivenName"), raw.get("LastName")) if p)
    return raw.get("EntityOrShip") or raw.get("Entity") or person


def _local_ids(raws: list[_Raw], lookup: RegimeLookup) -> tuple[list[str], list[str]]:
    """Entry keys in file order. A record without Item, or whose key another record shares,
    gets its name appended (and ``#2``, ``#3`` should names clash as well)."""
    keys = [f"{_base_key(r, lookup)}:{r.get('Item') or _main_name(r)}" for r in raws]
    pairs = list(zip(keys, raws, strict=True))
    warnings = [f"record {r.index} has no Item: keyed {k}" for k, r in pairs if not r.get("Item")]
    counts = Counter(keys)
    clashes = sorted(k for k, n in counts.items() if n > 1)
    warnings += [f"{counts[k]} records share the key {k}: told apart by name" for k in clashes]
    keys = [f"{k}:{_main_name(r)}" if counts[k] > 1 else k for k, r in pairs]
    seen: Counter[str] = Counter()
    unique = []
    for key in keys:
        seen[key] += 1
        unique.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return unique, warnings


def _add_names(main: StatementEntity, raw: _Raw, schema: str) -> None:
    if schema == "Person":
        given, last = raw.get("GivenName"), raw.get("LastName")
        main.add("name", " ".join(p for p in (given, last) if p), origin=ORIGIN)
        main.add("firstName", given or None, origin=ORIGIN)
        main.add("lastName", last or None, origin=ORIGIN)
        main.add("title", raw.texts("Title", "TitleOrShip"), origin=ORIGIN)
    else:
        names, also = org_names(raw.get("EntityOrShip") or raw.get("Entity"))
        main.add("name", names, origin=ORIGIN)
        main.add("alias", also, origin=ORIGIN)
    for text in raw.texts("Aliases"):
        strong, weak = split_aliases(text, person=schema == "Person")
        main.add("alias", strong, origin=ORIGIN)
        main.add("weakAlias", weak, origin=ORIGIN)


def _add_dates(main: StatementEntity, raw: _Raw, schema: str) -> None:
    for text in raw.texts("DateOfBirth", "DateOfBirthOrShipBuildDate"):
        values, unparsed = birth_dates(text)
        if schema == "Person":
            main.add("birthDate", values, origin=ORIGIN)
        elif schema == "Vessel":
            main.add("buildDate", values, origin=ORIGIN)
        if unparsed or schema == "Organization":
            label = "Build date" if schema == "Vessel" else "Date of birth"
            main.add("notes", f"{label}: {text}", origin=ORIGIN)


def _schema(raw: _Raw) -> str:
    if raw.get("ShipIMONumber"):
        return "Vessel"
    if raw.get("EntityOrShip") or raw.get("Entity"):
        return "Organization"
    return "Person"


def _authority_id(raw: _Raw) -> str:
    schedule, item = raw.get("Schedule"), raw.get("Item")
    if schedule.casefold() in NO_SCHEDULE:
        return f"Item {item}" if item else ""
    prefix = "Schedule " if schedule[:1].isdigit() else ""
    return f"{prefix}{schedule}, item {item}" if item else f"{prefix}{schedule}"


def _builder(raw: _Raw, local_id: str, lookup: RegimeLookup) -> list[StatementEntity]:
    schema = _schema(raw)
    main = entities.make(SOURCE, schema, entities.entity_id(SOURCE, local_id))
    _add_names(main, raw, schema)
    _add_dates(main, raw, schema)
    if schema == "Vessel":
        main.add("imoNumber", raw.get("ShipIMONumber"), origin=ORIGIN)
        main.add("type", raw.texts("TitleOrShip"), origin=ORIGIN)
    country = raw.get("Country")
    sanction = make_sanction(main, country, lookup(country), origin=ORIGIN)
    sanction.add("listingDate", raw.get("DateOfListing") or None, origin=ORIGIN)
    sanction.add("authorityId", _authority_id(raw) or None, origin=ORIGIN)
    return [main, sanction]


def _record(raw: _Raw, local_id: str, lookup: RegimeLookup) -> Record:
    # The three fields the key is made of, as the list writes them (only stripped).
    wanted = {"Country": "country", "Schedule": "schedule", "Item": "item"}
    fields = dict.fromkeys(wanted.values(), "")
    for name, text in reversed(raw.items):
        if name in wanted:
            fields[wanted[name]] = text.strip()
    build = partial(_builder, raw, local_id, lookup)
    return Record(local_id, fingerprint(SOURCE, raw.items), build, fields)


def _unexpected(raws: list[_Raw]) -> list[str]:
    counts = Counter(name for raw in raws for name, _ in raw.items if name not in KNOWN)
    return [f"unexpected element <{name}> in {n} records" for name, n in sorted(counts.items())]


def parse_xml(files: Mapping[str, bytes]) -> ParsedList:
    """Parse a snapshot holding ``sema-lmes.xml`` into one record per list entry."""
    data = files.get(FILENAME)
    if data is None:
        raise ParseError(FILENAME, "file missing from snapshot")
    raws = list(_read(_parse_root(data)))
    if not raws:
        raise ParseError(FILENAME, "no <record> elements")
    lookup = RegimeLookup(SOURCE)
    keys, key_warnings = _local_ids(raws, lookup)
    records = [_record(raw, key, lookup) for raw, key in zip(raws, keys, strict=True)]
    warnings = lookup.warnings() + _unexpected(raws) + key_warnings
    return ParsedList(SOURCE, records, components=frozenset({ORIGIN}), warnings=warnings)
