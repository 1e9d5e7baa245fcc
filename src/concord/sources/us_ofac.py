"""US OFAC SDN list, legacy file set: ``sdn.csv`` + ``add.csv`` + ``alt.csv`` +
``sdn_comments.csv``, or the same four files pipe-delimited (``.pip``).

The files have no header (some ``.pip`` copies add one) and write ``-0-`` for an empty
field. ``ent_num`` joins them and is the entry's local id. ``add`` gives addresses, ``alt``
strong aliases (``aka``/``fka``/``nka``), ``sdn_comments`` the continuation of a ``Remarks``
field cut at 1000 characters. Each program tag (``[SDGT] [IFSR]``) is one designation; OFAC
gives no dates. The Remarks mini-language is read by `concord.sources.us_ofac_remarks`; a
``Linked To: NAME`` whose NAME is exactly one other entry's name in the same file becomes an
``UnknownLink`` (the target is resolved when the file is split, so it is in the fingerprint).

Example:
    >>> row = b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- '
    >>> parsed = parse_csv_set({"sdn.csv": row})
    >>> [(r.local_id, e.schema.name, e.caption) for r in parsed.records for e in r.build()]
    [('36', 'Organization', 'AEROCARIBBEAN AIRLINES'), ('36', 'Sanction', 'CUBA')]
"""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from typing import NamedTuple

from followthemoney import StatementEntity

from concord.errors import ParseError
from concord.model import entities
from concord.model.regimes import registry
from concord.sources import base
from concord.sources import us_ofac_remarks as remarks

SOURCE = "us-ofac"
SDN, ADD, ALT, COMMENTS = "sdn", "add", "alt", "comments"
COLUMNS: dict[str, tuple[str, ...]] = {
    SDN: (
        "ent_num",
        "SDN_Name",
        "SDN_Type",
        "Program",
        "Title",
        "Call_Sign",
        "Vess_type",
        "Tonnage",
        "GRT",
        "Vess_flag",
        "Vess_owner",
        "Remarks",
    ),
    ADD: ("Ent_num", "Add_num", "Address", "City/State/Province/Postal Code", "Country"),
    ALT: ("Ent_num", "Alt_num", "Alt_type", "Alt_name", "Alt_remarks"),
    COMMENTS: ("Ent_num", "Comment"),
}
COLUMNS[ADD] += ("Add_remarks",)
FILES = {SDN: "sdn", ADD: "add", ALT: "alt", COMMENTS: "sdn_comments"}
SCHEMAS = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane", "": "Organization"}
ALT_PROPS = {"aka": "alias", "fka": "previousName", "nka": "alias"}
# Vessel columns (Call_Sign .. Vess_flag) -> Vessel properties; Vess_owner is text only.
VESSEL_PROPS = ("callSign", "type", "tonnage", "grossRegisteredTonnage", "flag")
# OFAC cuts Remarks at this length; the rest is in sdn_comments.
REMARKS_LIMIT = 1000
_EMPTY = frozenset({"-0-", "-0"})  # "-0" is "-0-" with its last byte lost (2019-01-04 add.csv)
_LINK = re.compile(r"Linked To:\s*([^;]+)")


class Entry(NamedTuple):
    """The raw content of one SDN entry (fields as read), gathered from all files of the set.

    Fields are kept raw (``-0-`` and padding included) so that splitting stays cheap; the
    entities are made from `clean_row` values.
    """

    ent_num: str
    row: list[str]
    addresses: list[tuple[str, ...]]
    aliases: list[tuple[str, ...]]
    comment: str | None
    links: tuple[tuple[str, str | None], ...]
    truncated: bool
    fingerprint: str
    parts: dict[str, str]

    @property
    def schema(self) -> str:
        """The FtM schema of the entry's main entity."""
        return SCHEMAS.get(field_value(self.row[2]).casefold(), "Organization")

    @property
    def tags(self) -> list[str]:
        """The program tags, e.g. ``['SDGT', 'IFSR']``."""
        return program_tags(self.row[3])

    @property
    def remarks(self) -> str:
        """The full remarks: the sdn field, its sdn_comments continuation, minus a cut end."""
        text = free_text(self.row[11]) + (self.comment or "")
        return text[: max(text.rfind(";"), 0)] if self.truncated else text

    @property
    def sdn_length(self) -> int:
        """How much of `remarks` came from the sdn file (the rest from sdn_comments)."""
        return len(free_text(self.row[11]))


def parse_csv_set(files: Mapping[str, bytes]) -> base.ParsedList:
    """Parse the comma-separated set (``sdn.csv`` required, the other three optional)."""
    return _parse_set(files, ".csv", ",")


def parse_pip_set(files: Mapping[str, bytes]) -> base.ParsedList:
    """Parse the pipe-delimited set (``sdn.pip`` required, the other three optional)."""
    return _parse_set(files, ".pip", "|")


def _parse_set(files: Mapping[str, bytes], ext: str, delimiter: str) -> base.ParsedList:
    parsed = base.ParsedList(source=SOURCE, records=[])
    programs: set[str] = set()
    with gc_paused():
        for entry in read_entries(files, ext, delimiter, parsed):
            programs.add(entry.row[3])
            raw = {"ent_num": entry.ent_num, "name": entry.row[1], "program": entry.row[3]}
            build = partial(build_entry, entry)
            parsed.records.append(
                base.Record(entry.ent_num, entry.fingerprint, build, raw, entry.parts)
            )
    tags = {tag for program in programs for tag in program_tags(program)}
    lookup = base.RegimeLookup(SOURCE)
    for tag in sorted(tags):
        lookup(tag)
    parsed.warnings.extend(lookup.warnings())
    return parsed


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cycle collector while splitting.

    Splitting allocates some ten container objects per entry and makes no reference cycles;
    the collector's passes over them took about a third of the split time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_entries(
    files: Mapping[str, bytes], ext: str, delimiter: str, parsed: base.ParsedList
) -> Iterator[Entry]:
    """The entries of a file set; sets `parsed.components` and adds to `parsed.warnings`."""
    tables = {
        part: _read_table(files, FILES[part] + ext, delimiter, COLUMNS[part], parsed.warnings)
        for part in COLUMNS
    }
    sdn, sdn_name = tables[SDN], FILES[SDN] + ext
    if sdn is None:
        raise ParseError(sdn_name, "file missing from the set")
    duplicates = sorted(num for num, n in Counter(row[0] for row in sdn).items() if n > 1)
    if duplicates:
        raise ParseError(sdn_name, f"duplicate ent_num {', '.join(duplicates[:5])}")
    parsed.components = frozenset(part for part, rows in tables.items() if rows is not None)
    known = frozenset(row[0] for row in sdn)
    groups = {
        part: _group(tables[part], known, FILES[part] + ext, parsed.warnings)
        for part in (ADD, ALT, COMMENTS)
    }
    index = _name_index(sdn)
    parsed.warnings.extend(_row_warnings(sdn, groups[ALT]))
    truncated = 0
    present = parsed.components
    for row in sdn:
        entry = _entry(row, groups, index, present)
        truncated += entry.truncated
        yield entry
    if truncated:
        parsed.warnings.append(
            f"{truncated} Remarks cut at {REMARKS_LIMIT} characters and no sdn_comments file:"
            " their last, partial statement is left out"
        )


def _read_table(
    files: Mapping[str, bytes],
    filename: str,
    delimiter: str,
    columns: tuple[str, ...],
    warnings: list[str],
) -> list[list[str]] | None:
    data = files.get(filename)
    if data is None:
        return None
    # Official files end with CRLF + 0x1A (DOS end-of-file); copies keep some of it.
    text = base.decode_text(filename, data).rstrip("\x1a\r\n")
    try:
        rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise ParseError(filename, f"malformed delimited text: {exc}") from exc
    rows = [row for row in rows if row]
    if rows and rows[0][0].strip().casefold() == columns[0].casefold():
        _check_header(filename, rows.pop(0), columns, warnings)
    if not rows:
        raise ParseError(filename, "no rows")
    width = len(columns)
    for number, row in enumerate(rows, 1):
        if len(row) != width:
            raise ParseError(filename, f"row {number} has {len(row)} fields, expected {width}")
        if not row[0].isdigit():
            row[0] = row[0].strip()
            if not row[0].isdigit():
                raise ParseError(filename, f"row {number}: ent_num {row[0]!r} is not a number")
    return rows


def field_value(field: str) -> str:
    """A field's value: padding stripped, ``-0-`` (OFAC's empty) read as empty.

    >>> field_value("-0- "), field_value(' "CUBA" ')
    ('', '"CUBA"')
    """
    value = field.strip()
    return "" if value in _EMPTY else value


def free_text(field: str) -> str:
    """A free-text field (Remarks): ``-0-`` read as empty, otherwise kept as written."""
    return "" if field.strip() in _EMPTY else field


def clean_row(row: Sequence[str]) -> list[str]:
    """A row with ``-0-`` read as empty and padding stripped (free text keeps its own).

    >>> clean_row(["36", "-0- ", " x ", "a; b "])
    ['36', '', 'x', 'a; b ']
    """
    out = [field_value(field) for field in row]
    if out[-1]:  # free text (Remarks, Comment) keeps its spaces: a cut may end in one
        out[-1] = row[-1]
    return out


def _check_header(
    filename: str, header: list[str], columns: tuple[str, ...], warnings: list[str]
) -> None:
    names = [name.strip().casefold() for name in header]
    if len(names) != len(columns):
        raise ParseError(filename, f"header has {len(names)} columns, expected {len(columns)}")
    if names != [name.casefold() for name in columns]:
        warnings.append(f"{filename}: unexpected header {header!r} (read by position)")


def _group(
    rows: list[list[str]] | None, known: frozenset[str], filename: str, warnings: list[str]
) -> dict[str, list[tuple[str, ...]]]:
    grouped: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    orphans = 0
    for row in rows or []:
        if row[0] in known:
            grouped[row[0]].append(tuple(row[1:]))
        else:
            orphans += 1
    if orphans:
        warnings.append(f"{filename}: {orphans} rows name an ent_num missing from sdn (ignored)")
    return grouped


def _name_index(sdn: list[list[str]]) -> dict[str, str | None]:
    """SDN_Name -> ent_num, or None when several entries share the name."""
    index: dict[str, str | None] = {}
    for row in sdn:
        name = row[1].strip()
        index[name] = None if name in index else row[0]
    return index


def _row_warnings(sdn: list[list[str]], aliases: Mapping[str, list[tuple[str, ...]]]) -> list[str]:
    types = Counter(t for row in sdn if (t := field_value(row[2])).casefold() not in SCHEMAS)
    alt_types = Counter(
        t for rows in aliases.values() for a in rows if (t := field_value(a[1])) not in ALT_PROPS
    )
    out = [f"unknown SDN_Type {name!r} ({n} entries, read as entity)" for name, n in types.items()]
    out += [f"unknown Alt_type {name!r} ({n} rows, read as aka)" for name, n in alt_types.items()]
    return out


def _entry(
    row: list[str],
    groups: Mapping[str, Mapping[str, list[tuple[str, ...]]]],
    index: Mapping[str, str | None],
    present: frozenset[str],
) -> Entry:
    ent_num, remarks_ = row[0], row[11]
    if len(remarks_) < 6 and remarks_.strip() in _EMPTY:
        remarks_ = ""
    comments = groups[COMMENTS].get(ent_num)
    comment = "".join(free_text(c[0]) for c in comments) if comments else None
    links: tuple[tuple[str, str | None], ...] = ()
    if comment is not None or "Linked To" in remarks_:
        text = remarks_ + (comment or "")
        links = tuple((name, resolve_link(name, index, ent_num)) for name in link_names(text))
    addresses, aliases = groups[ADD].get(ent_num, []), groups[ALT].get(ent_num, [])
    truncated = COMMENTS not in present and len(remarks_) >= REMARKS_LIMIT
    parts = _parts(row, addresses, aliases, comment, links, present)
    fingerprint = _digest("\x1e".join(f"{k}={v}" for k, v in sorted(parts.items())))
    return Entry(ent_num, row, addresses, aliases, comment, links, truncated, fingerprint, parts)


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _joined(fields: Sequence[str]) -> str:
    """Fields stripped, ``-0-`` read as empty, joined by a character the files never hold.

    >>> _joined(["36", "-0- ", ' "CUBA" ']) == _joined(["36", "-0-", '"CUBA"'])
    True
    """
    return "\x1f".join("" if (v := f.strip()) in _EMPTY else v for f in fields)


def _parts(
    row: list[str],
    addresses: list[tuple[str, ...]],
    aliases: list[tuple[str, ...]],
    comment: str | None,
    links: tuple[tuple[str, str | None], ...],
    present: frozenset[str],
) -> dict[str, str]:
    """Fingerprints per component over cleaned values, so .csv and .pip compare equal.

    The sdn part holds the resolved links (another entry's renaming can change them); a cut
    remark reads the same as long as the sdn field is the same, since the sdn_comments part
    that continues it is carried forward while that file is absent.
    """
    sdn = _joined(row)
    if links:
        sdn += "\x1d" + "\x1d".join(f"{name}\x1c{target}" for name, target in links)
    parts = {SDN: _digest(sdn)}
    if ADD in present:
        parts[ADD] = _digest("\x1e".join(_joined(a) for a in addresses))
    if ALT in present:
        parts[ALT] = _digest("\x1e".join(_joined(a) for a in aliases))
    if COMMENTS in present:
        parts[COMMENTS] = _digest(comment or "")
    return parts


def program_tags(program: str) -> list[str]:
    """The tags of a Program field.

    >>> program_tags("SDGT] [IFSR"), program_tags("CAATSA - RUSSIA")
    (['SDGT', 'IFSR'], ['CAATSA - RUSSIA'])
    """
    return [tag.strip() for tag in program.strip().strip("[]").split("] [") if tag.strip()]


def link_names(text: str) -> list[str]:
    """The names after ``Linked To:`` in a remarks text, as `parse_remarks` reads them.

    >>> link_names("DOB 1960; Linked To: ACME S.A.; Linked To: BETA LTD.")
    ['ACME S.A.', 'BETA LTD.']
    """
    return [name.strip() for name in _LINK.findall(text) if name.strip()]


def resolve_link(name: str, index: Mapping[str, str | None], self_id: str) -> str | None:
    """The ent_num of the one other entry named exactly `name`, else None.

    The last remark ends with a period that may or may not belong to the name.

    >>> resolve_link("BETA LTD.", {"BETA LTD": "7", "ACME S.A.": "8"}, "1")
    '7'
    """
    target = index.get(name)
    if target is None and name.endswith("."):
        target = index.get(name[:-1])
    return None if target == self_id else target


def main_id(ent_num: str) -> str:
    """The FtM id of an entry's main entity (the same for every format of the list).

    >>> main_id("36")
    'us-ofac-36'
    """
    return entities.entity_id(SOURCE, ent_num)


def build_entry(entry: Entry) -> list[StatementEntity]:
    """The entities of one entry: main entity, one Sanction per program, then the others."""
    main = entities.make(SOURCE, entry.schema, main_id(entry.ent_num))
    row = clean_row(entry.row)
    _apply_columns(main, row)
    for address in entry.addresses:
        _apply_address(main, clean_row(address))
    for alias in entry.aliases:
        _apply_alias(main, clean_row(alias))
    parsed = remarks.parse_remarks(entry.remarks, entry.sdn_length)
    title = row[4].rstrip(".")
    # Remarks often repeat the Title column, already read as the position.
    others = remarks.apply_remarks(main, parsed, skip={title} if title else set())
    others += apply_links(main, parsed.links, dict(entry.links))
    sanctions = make_sanctions(main, entry.ent_num, entry.tags, parsed.provisions)
    return [main, *sanctions, *others]


def _apply_columns(main: StatementEntity, row: list[str]) -> None:
    name, title = row[1], row[4]
    last, comma, first = name.partition(", ")
    if comma and "," not in first:
        apply_name(main, name, first, last)
    else:
        apply_name(main, name)
    if main.schema.is_a("Person"):
        main.add("position", title, origin=SDN)
    elif title:
        main.add("notes", f"Title: {title}", origin=SDN)
    for prop, value, label in zip(VESSEL_PROPS, row[5:10], COLUMNS[SDN][5:10], strict=True):
        if value:
            remarks.add_or_note(main, prop, value, SDN, f"{label}: {value}")
    if row[10]:
        main.add("notes", f"Vessel owner: {row[10]}", origin=SDN)


def apply_name(main: StatementEntity, name: str, first: str = "", last: str = "") -> None:
    """The entry's name as OFAC writes it (``LAST, First``), with its parts for a person."""
    main.add("name", name, origin=SDN)
    if main.schema.is_a("Person") and first.strip() and last.strip():
        main.add("lastName", last, origin=SDN)
        main.add("firstName", first, origin=SDN)


def _apply_address(main: StatementEntity, address: list[str]) -> None:
    street, city, country, note = (part.strip() for part in address[1:5])
    text = ", ".join(part for part in (street, city, country) if part)
    if street or city:  # a country alone is no address
        main.add("address", text, origin=ADD)
    remarks.add_or_note(main, "country", country, ADD, f"Address country: {country}", soft=True)
    if note:
        main.add("notes", f"Address ({text}): {note}", origin=ADD)


def _apply_alias(main: StatementEntity, alias: list[str]) -> None:
    kind, name, note = (part.strip() for part in alias[1:4])
    main.add(ALT_PROPS.get(kind.casefold(), "alias"), name, origin=ALT)
    if note:
        main.add("notes", f"{kind} {name}: {note}", origin=ALT)


def apply_links(
    main: StatementEntity, links: list[tuple[str, str]], targets: Mapping[str, str | None]
) -> list[StatementEntity]:
    """UnknownLinks for the ``Linked To`` names resolved to another entry (`targets`:
    name -> ent_num); the others stay in ``notes``."""
    out: dict[str, StatementEntity] = {}
    for name, origin in links:
        target = targets.get(name)
        if target is None:
            main.add("notes", f"Linked To: {name}", origin=origin)
        else:
            add_link(out, make_link(main, target, "Linked To", origin))
    return list(out.values())


def add_link(links: dict[str, StatementEntity], link: StatementEntity) -> None:
    """Add `link` to `links` by id, merging a second link to the same entry into the first."""
    if link.id in links:
        links[link.id].merge(link)
    elif link.id is not None:
        links[link.id] = link


def make_link(main: StatementEntity, target: str, role: str, origin: str) -> StatementEntity:
    """An UnknownLink from `main` to the main entity of entry `target` (an ent_num)."""
    target_id = main_id(target)
    link = entities.make(SOURCE, "UnknownLink", f"{main.id}-linked-{target}")
    link.add("subject", main.id, origin=origin)
    link.add("object", target_id, origin=origin)
    link.add("role", role, origin=origin)
    return link


def make_sanctions(
    main: StatementEntity, ent_num: str, tags: list[str], provisions: list[tuple[str, str]]
) -> list[StatementEntity]:
    """One Sanction per program tag (two spellings of one programme make one Sanction)."""
    out: dict[str, StatementEntity] = {}
    for tag in tags:
        regime = registry().lookup(SOURCE, tag)
        key = tag if regime is None else regime.key
        if key in out:  # e.g. RUSSIA-EO and RUSSIA-EO14024
            out[key].add("program", tag, origin=SDN)
            continue
        sanction = base.make_sanction(main, tag, regime, origin=SDN)
        sanction.add("authorityId", ent_num, origin=SDN)
        for text, origin in provisions:
            sanction.add("provisions", text, origin=origin)
        out[key] = sanction
    return list(out.values())


def remark_statistics(files: Mapping[str, bytes], ext: str = ".csv") -> Counter[str]:
    """How the remarks of a file set are understood: statements per kind.

    ``unknown`` counts the statements no rule reads, kept whole in ``notes``.
    """
    counts: Counter[str] = Counter()
    parsed = base.ParsedList(source=SOURCE, records=[])
    for entry in read_entries(files, ext, "," if ext == ".csv" else "|", parsed):
        result = remarks.parse_remarks(entry.remarks, entry.sdn_length)
        for kind in ("facts", "documents", "wallets", "links", "provisions", "notes", "unknown"):
            counts[kind] += len(getattr(result, kind))
    return counts
