"""US OFAC SDN list, legacy file set: ``sdn.csv`` + ``add.csv`` + ``alt.csv`` +
``sdn_comments.csv``, or the same four files pipe-delimited (``.pip``).

The files have no header (some ``.pip`` copies add one) and write ``-0-`` for an empty
field. ``ent_num`` joins them and is the entry's local id. ``add`` gives addresses, ``alt``
strong aliases (``aka``/``fka``/``nka``), ``sdn_comments`` the continuation of a ``Remarks``
field cut at 1000 characters. Each program tag (``[SDGT] [IFSR]``) is one designation; OFAC
gives no dates. The Remarks mini-language is read by `concord.sources.us_ofac.remarks`; a
``Linked To: NAME`` whose NAME is exactly one other entry's name in the same file becomes an
``UnknownLink`` (the target is resolved when the file is split, so it is in the fingerprint).
One entry's rows, fingerprints and entities: `concord.sources.us_ofac.csv_entry`.

Example:
    >>> row = b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- '
    >>> parsed = parse_csv_set({"sdn.csv": row})
    >>> [(r.local_id, e.schema.name, e.caption) for r in parsed.records for e in r.build()]
    [('36', 'Organization', 'AEROCARIBBEAN AIRLINES'), ('36', 'Sanction', 'CUBA')]
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from functools import partial

from concord.errors import ParseError
from concord.sources import base
from concord.sources.us_ofac import remarks
from concord.sources.us_ofac.common import (
    ADD,
    ALT,
    COMMENTS,
    SDN,
    SOURCE,
    gc_paused,
    program_tags,
    regime_warnings,
)
from concord.sources.us_ofac.csv_entry import (
    ALT_PROPS,
    COLUMNS,
    REMARKS_LIMIT,
    SCHEMAS,
    Entry,
    build_entry,
    field_value,
    make_entry,
)

FILES = {SDN: "sdn", ADD: "add", ALT: "alt", COMMENTS: "sdn_comments"}


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
    parsed.warnings.extend(regime_warnings(tags))
    return parsed


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
        entry = make_entry(row, groups, index, present)
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
