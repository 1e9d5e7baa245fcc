"""One entry of the OFAC legacy file set (`concord.sources.us_ofac.sdn_csv`): its raw rows
gathered from the four files, its fingerprints per component, and its entities.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from followthemoney import StatementEntity

from concord.model import entities
from concord.sources.us_ofac import remarks
from concord.sources.us_ofac.build import (
    add_or_note,
    apply_links,
    apply_name,
    apply_remarks,
    make_sanctions,
)
from concord.sources.us_ofac.common import (
    ADD,
    ALT,
    COMMENTS,
    SDN,
    SOURCE,
    link_names,
    main_id,
    program_tags,
    resolve_link,
)

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
SCHEMAS = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane", "": "Organization"}
ALT_PROPS = {"aka": "alias", "fka": "previousName", "nka": "alias"}
# Vessel columns (Call_Sign .. Vess_flag) -> Vessel properties; Vess_owner is text only.
VESSEL_PROPS = ("callSign", "type", "tonnage", "grossRegisteredTonnage", "flag")
# OFAC cuts Remarks at this length; the rest is in sdn_comments.
REMARKS_LIMIT = 1000
_EMPTY = frozenset({"-0-", "-0"})  # "-0" is "-0-" with its last byte lost (2019-01-04 add.csv)


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


def make_entry(
    row: list[str],
    groups: Mapping[str, Mapping[str, list[tuple[str, ...]]]],
    index: Mapping[str, str | None],
    present: frozenset[str],
) -> Entry:
    """The entry of one sdn row, with its rows of the other files (`groups`: part ->
    ent_num -> rows) and its links resolved by name (`index`: name -> ent_num)."""
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
    others = apply_remarks(main, parsed, skip={title} if title else set())
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
            add_or_note(main, prop, value, SDN, f"{label}: {value}")
    if row[10]:
        main.add("notes", f"Vessel owner: {row[10]}", origin=SDN)


def _apply_address(main: StatementEntity, address: list[str]) -> None:
    street, city, country, note = (part.strip() for part in address[1:5])
    text = ", ".join(part for part in (street, city, country) if part)
    if street or city:  # a country alone is no address
        main.add("address", text, origin=ADD)
    add_or_note(main, "country", country, ADD, f"Address country: {country}", soft=True)
    if note:
        main.add("notes", f"Address ({text}): {note}", origin=ADD)


def _apply_alias(main: StatementEntity, alias: list[str]) -> None:
    kind, name, note = (part.strip() for part in alias[1:4])
    main.add(ALT_PROPS.get(kind.casefold(), "alias"), name, origin=ALT)
    if note:
        main.add("notes", f"{kind} {name}: {note}", origin=ALT)
