"""Readers of the raw official files, independent of Concord's parsers, so the tests
compare Concord's answers with what a person reads in the files themselves."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

from lxml import etree
from python_calamine import CalamineWorkbook

from tests.conftest import MIRROR, read_file


def _first(folder: Path, name: str) -> Path:
    for path in folder.iterdir():
        if path.name.lower() in (name, name + ".gz"):
            return path
    raise FileNotFoundError(f"{folder}/{name}")


def sdn_rows(day: str) -> dict[str, list[str]]:
    """ent_num -> row of `us-ofac/<day>/sdn.csv` or `sdn.pip` (the same columns, pipes):
    ent_num, name, type, program, ..., remarks."""
    folder = MIRROR / "us-ofac" / day
    try:
        path, delimiter = _first(folder, "sdn.csv"), ","
    except FileNotFoundError:
        path, delimiter = _first(folder, "sdn.pip"), "|"
    data = read_file(path).decode("latin-1")
    rows = csv.reader(io.StringIO(data), delimiter=delimiter)
    return {row[0]: row for row in rows if len(row) > 3}


def conlist_groups(day: str) -> dict[str, dict[str, str]]:
    """Group ID -> {regime, listed_on (ISO), name} of `gb-ofsi/<day>/ConList.xlsx`."""
    path = _first(MIRROR / "gb-ofsi" / day, "conlist.xlsx")
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    header = [str(h) for h in rows[1]]
    col = {name: header.index(name) for name in ("Regime", "Listed On", "Group ID", "Name 6")}
    out = {}
    for row in rows[2:]:
        listed = datetime.strptime(str(row[col["Listed On"]]), "%d/%m/%Y").date()
        out[str(row[col["Group ID"]])] = {
            "regime": str(row[col["Regime"]]),
            "listed_on": listed.isoformat(),
            "name": str(row[col["Name 6"]]),
        }
    return out


def jvcfor_dates(day: str) -> dict[str, date]:
    """Item number -> DateOfListing of the JVCFOR schedule in `ca-sema/<day>/sema-lmes.xml`."""
    data = read_file(_first(MIRROR / "ca-sema" / day, "sema-lmes.xml"))
    root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False))
    out = {}
    for record in root.iter("record"):
        if "(JVCFOR)" in (record.findtext("Country") or ""):
            out[record.findtext("Item") or ""] = date.fromisoformat(
                (record.findtext("DateOfListing") or "")[:10]
            )
    return out


def conlist_rows(day: str) -> dict[str, dict[str, str]]:
    """Group ID -> every column (as written) of the first row of that group in
    `gb-ofsi/<day>/ConList.xlsx`."""
    path = _first(MIRROR / "gb-ofsi" / day, "conlist.xlsx")
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    header = [str(h) for h in rows[1]]
    out: dict[str, dict[str, str]] = {}
    for row in rows[2:]:
        record = {h: str(v) for h, v in zip(header, row, strict=False)}
        out.setdefault(record["Group ID"], record)
    return out


def dfat_rows(day: str) -> dict[str, dict[str, str]]:
    """Reference -> {committees, control_date (ISO)} of the first row of each Reference in
    `au-dfat/<day>/regulation8_consolidated.xls(x)`."""
    folder = MIRROR / "au-dfat" / day
    path = next(p for p in folder.iterdir() if p.name.startswith("regulation8_consolidated"))
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    header = [str(h) for h in rows[0]]
    col = {name: header.index(name) for name in ("Reference", "Committees", "Control Date")}
    out: dict[str, dict[str, str]] = {}
    for row in rows[1:]:
        ref = str(row[col["Reference"]]).removesuffix(".0")
        control = row[col["Control Date"]]
        out.setdefault(ref, {
            "committees": str(row[col["Committees"]]),
            "control_date": control.isoformat() if isinstance(control, date) else str(control),
        })  # fmt: skip
    return out
