"""Value helpers shared by the UK parsers (OFSI Consolidated List, FCDO UK Sanctions List).

Both UK lists write dates as ``DD/MM/YYYY`` (``00`` for an unknown day or month), number
several values inside one cell (``(1) Russia (2) Ukraine``), name countries in prose
(``Former USSR (now Belarus)``) and split names into ``Name 1`` (first) .. ``Name 6``
(surname, or the whole name of an entity or ship). These helpers turn such cells into
FollowTheMoney values; anything FtM cannot clean is kept as a labelled note, never dropped.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from followthemoney import Property, StatementEntity, registry
from followthemoney.util import sanitize_text
from rigour.text import remove_bracketed_text

from concord.errors import ParseError
from concord.sources.base import decode_text
from concord.sources.dates import partial_date
from concord.sources.spreadsheet import read_first_sheet

NAME_COLUMNS = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6")
# Group / designation types of both lists -> FtM schema.
SCHEMAS = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}

_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_MY = re.compile(r"(\d{1,2})/(\d{4})")
_YEAR = re.compile(r"(?:circa|c\.|approximately|approx\.?|about)?\s*(\d{4})", re.I)
_YEARS = re.compile(r"(?:circa|c\.|between)?\s*(\d{4})\s*(?:-|–|to|and)\s*(\d{4})", re.I)
_NUMBERED = re.compile(r"\(\d{1,2}(?:\s*-\s*\d{1,2})?\)")
_NOW = re.compile(r"\b(?:now|currently)\s+(?:the\s+)?([^()]+)", re.I)
# Country spellings of the UK lists that neither FtM nor rigour's territory lookup reads
# (checked on the real files and with rigour.territories.lookup_territory).
_COUNTRY_FIXES = {
    "congo (democratic republic)": "cd",
    "occupied palestinian territories": "ps",
    "bosnia-herzegovina": "ba",
    "repubic of moldova": "md",
}


def uk_date(text: str) -> str | None:
    """An FtM date string from a UK list date, or None when it is not a date.

    ``00`` marks an unknown day or month; a day without a month is not kept.

    >>> uk_date("29/09/2020"), uk_date("00/04/1965"), uk_date("00/00/1965")
    ('2020-09-29', '1965-04', '1965')
    >>> uk_date("04/1965"), uk_date("1965"), uk_date("00/00/0"), uk_date("31/02/2001")
    ('1965-04', '1965', None, None)
    """
    text = text.strip()
    if m := _DMY.fullmatch(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    elif m := _MY.fullmatch(text):
        day, month, year = 0, int(m[1]), int(m[2])
    elif re.fullmatch(r"\d{4}", text):
        day, month, year = 0, 0, int(text)
    else:
        return None
    if year < 1000:
        return None
    return partial_date(year, month or None, (day or None) if month else None)


def uk_dates(text: str) -> list[str]:
    """FtM date strings from a date cell: one date, a year range or an approximate year.

    A range gives each year as a separate value (the list does not know which one it is).

    >>> uk_dates("00/00/1965"), uk_dates("circa 1955-1958"), uk_dates("1955 to 1957")
    (['1965'], ['1955', '1956', '1957', '1958'], ['1955', '1956', '1957'])
    >>> uk_dates("c. 1960"), uk_dates("unknown")
    (['1960'], [])
    """
    text = text.strip()
    single = uk_date(text)
    if single is not None:
        return [single]
    if (m := _YEARS.fullmatch(text)) and 0 <= int(m[2]) - int(m[1]) <= 20:
        return [str(year) for year in range(int(m[1]), int(m[2]) + 1)]
    if m := _YEAR.fullmatch(text):
        return [m[1]]
    return []


def full_date(text: str) -> date | None:
    """A complete day from a UK list date, or None.

    >>> full_date("14/04/2025"), full_date("00/04/2025")
    (datetime.date(2025, 4, 14), None)
    """
    value = uk_date(text)
    return date.fromisoformat(value) if value is not None and len(value) == 10 else None


def split_numbered(text: str) -> list[str]:
    """The values of a cell that numbers them ``(1) a (2) b``; other cells stay whole.

    Only markers in sequence count, so ``(17)`` inside a phone number is not a cut.

    >>> split_numbered("(1) Central African Republic. (2) Chad")
    ['Central African Republic', 'Chad']
    >>> split_numbered("(1) +375 (17) 213 (2) -"), split_numbered("Cairo (2016)")
    (['+375 (17) 213'], ['Cairo (2016)'])
    >>> split_numbered("(1-2) Kabul (3) Kandahar")
    ['Kabul', 'Kandahar']
    """
    text = text.strip()
    if not _NUMBERED.match(text):
        return [text] if text else []
    cuts: list[tuple[int, int]] = []
    expected = 1
    for m in _NUMBERED.finditer(text):
        numbers = [int(n) for n in re.findall(r"\d+", m[0])]
        if numbers[0] == expected:
            cuts.append((m.start(), m.end()))
            expected = numbers[-1] + 1
    if not cuts:
        return [text]
    ends = [start for start, _ in cuts[1:]] + [len(text)]
    pieces = [text[: cuts[0][0]]] + [text[a:b] for (_, a), b in zip(cuts, ends, strict=True)]
    parts = (piece.strip().rstrip(".;,").strip() for piece in pieces)
    return [part for part in parts if part and part != "-"]


def split_contacts(text: str) -> list[str]:
    """Phone numbers, e-mails or websites of one cell, however the list separates them.

    >>> split_contacts("(1) +963 11 2121816. +963 11 2121834 (2) a@b.sy; www.b.sy, www.c.sy")
    ['+963 11 2121816', '+963 11 2121834', 'a@b.sy', 'www.b.sy', 'www.c.sy']
    """
    parts = (re.split(r"[;,]\s*|\.\s+|\s+/\s+", value) for value in split_numbered(text))
    return [part.strip(" .") for values in parts for part in values if part.strip(" .")]


def split_pipes(text: str) -> list[str]:
    """The values of a cell that separates them with ``|``.

    >>> split_pipes(" Russia | Belarus|")
    ['Russia', 'Belarus']
    """
    return [part.strip() for part in text.split("|") if part.strip()]


def country_code(text: str) -> str | None:
    """The FtM country code of a country as the UK lists write it, or None.

    >>> country_code("Congo (Democratic Republic)"), country_code("Former USSR (now Belarus)")
    ('cd', 'by')
    >>> country_code("Iraq (previous address)"), country_code("Germany. Russia")
    ('iq', None)
    """
    text = text.strip()
    code = registry.country.clean_text(text)
    if code is None:
        code = _COUNTRY_FIXES.get(text.casefold())
    if code is None and (m := _NOW.search(text)):
        code = registry.country.clean_text(m[1].strip(" .,)"))
    if code is None and "(" in text:
        code = registry.country.clean_text(remove_bracketed_text(text).strip(" .,"))
    return code


def countries(values: Iterable[str]) -> tuple[list[str], list[str]]:
    """Country codes of numbered country cells, and the parts that name no country."""
    codes: list[str] = []
    rest: list[str] = []
    for value in values:
        for part in split_numbered(value):
            code = country_code(part)
            if code is None:
                rest.append(part)
            elif code not in codes:
                codes.append(code)
    return codes, rest


def language(text: str) -> str | None:
    """The ISO 639-3 code of a language as the lists name it (``Persian/Farsi``), or None.

    >>> language("Persian/Farsi"), language("Russian"), language("Cyrillic")
    ('fas', 'rus', None)
    """
    for part in re.split(r"[/,;]", text):
        code = registry.language.clean_text(part.strip())
        if code is not None:
            return str(code)
    return None


def full_name(parts: Sequence[str]) -> str:
    """A name from its ordered parts (``Name 1`` .. ``Name 6``), skipping empty ones.

    >>> full_name(["Mian", "", "Abdul", "", "", "HAQ"])
    'Mian Abdul HAQ'
    """
    return " ".join(part.strip() for part in parts if part and part.strip())


def put(
    entity: StatementEntity,
    prop: str,
    values: str | Iterable[str],
    origin: str,
    label: str | None = None,
    lang: str | None = None,
) -> None:
    """Add values to `prop`; values the schema has no place for, or that FtM cannot clean,
    become a note ``"<label>: <value>"`` (when a label is given) rather than being lost."""
    prop_obj = entity.schema.get(prop)
    for text in [values] if isinstance(values, str) else values:
        value = sanitize_text(text.strip())
        if not value:
            continue
        # unsafe_add cleans the value once and tells whether FtM kept it.
        if prop_obj is not None and _added(entity, prop_obj, value, origin, lang):
            continue
        if label is not None:
            note = "notes" if "notes" in entity.schema.properties else "summary"
            entity.add(note, f"{label}: {value}", origin=origin)


def _added(
    entity: StatementEntity, prop: Property, value: str, origin: str, lang: str | None
) -> bool:
    return not prop.stub and entity.unsafe_add(prop, value, origin=origin, lang=lang) is not None


def add_name_parts(entity: StatementEntity, parts: Mapping[str, str], origin: str) -> None:
    """firstName / secondName / middleName / lastName of a person from Name 1..6."""
    put(entity, "firstName", parts.get("Name 1", ""), origin)
    put(entity, "secondName", parts.get("Name 2", ""), origin)
    for column in ("Name 3", "Name 4", "Name 5"):
        put(entity, "middleName", parts.get(column, ""), origin)
    put(entity, "lastName", parts.get("Name 6", ""), origin)


def distinct(rows: Iterable[Mapping[str, str]], column: str) -> list[str]:
    """The distinct non-empty values of a column, in first-seen order."""
    seen: dict[str, None] = {}
    for row in rows:
        value = row.get(column, "")
        if value:
            seen.setdefault(value, None)
    return list(seen)


def read_csv(filename: str, data: bytes) -> list[list[str]]:
    """The rows of a CSV file as text; undecodable, NUL-laden or broken CSV is refused."""
    text = decode_text(filename, data, ("utf-8-sig", "cp1252"))
    if "\x00" in text:
        raise ParseError(filename, "contains NUL bytes: not a CSV file")
    try:
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), strict=True)]
    except csv.Error as exc:
        raise ParseError(filename, f"malformed CSV ({exc})") from exc


def check_width(filename: str, number: int, row: Sequence[str], width: int) -> None:
    """Refuse a data row narrower (truncated) or wider (shifted) than its header."""
    if len(row) < width and any(row):
        raise ParseError(filename, f"row {number} has {len(row)} cells, header has {width}")
    if any(row[width:]):
        raise ParseError(filename, f"row {number} has values beyond the header's {width} cells")


def vocabulary_warnings(
    groups: Mapping[str, Sequence[Mapping[str, str]]], column: str, known: Iterable[str]
) -> list[str]:
    """One warning per value of a closed-vocabulary column that the parser does not know."""
    expected = {value.casefold() for value in known}
    seen = {row.get(column, "") for rows in groups.values() for row in rows}
    return [f"unknown {column} {v!r}" for v in sorted(seen) if v and v.casefold() not in expected]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_xlsx(filename: str, data: bytes) -> list[list[str]]:
    """The rows of a workbook's first sheet as text (empty cells as ``""``)."""
    return [[_cell(v) for v in row] for row in read_first_sheet(filename, data)]


def group_rows(
    filename: str,
    rows: Sequence[Sequence[str]],
    start: int,
    layout: tuple[Sequence[str], Sequence[str]],
    key: str,
) -> tuple[dict[str, list[dict[str, str]]], list[str]]:
    """Rows after the header at `start`, as column -> value dicts grouped by `key`.

    `layout` is (the columns the parser knows, the ones it requires). Unknown columns and
    missing known ones are warnings; a row without `key` is skipped with a warning.
    """
    known, required = layout
    header = [h.strip() for h in rows[start]]
    index = {name: i for i, name in enumerate(header) if name}
    missing = [c for c in required if c not in index]
    if missing:
        raise ParseError(filename, f"header lacks required columns {missing}")
    warnings = [f"unexpected column {c!r} (ignored)" for c in index if c not in known]
    warnings += [f"expected column {c!r} is missing" for c in known if c not in index]
    columns = [(c, index[c]) for c in known if c in index]
    groups: dict[str, list[dict[str, str]]] = {}
    for number, row in enumerate(rows[start + 1 :], start=start + 2):
        check_width(filename, number, row, len(header))
        values = {c: row[i] for c, i in columns if i < len(row) and row[i]}
        if not values:
            continue
        if key not in values:
            warnings.append(f"row {number} has no {key} (skipped)")
            continue
        groups.setdefault(values[key], []).append(values)
    if not groups:
        raise ParseError(filename, "no entries after the header")
    return groups, warnings
