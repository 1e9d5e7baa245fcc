"""Read the first sheet of DFAT's workbook (``.xls`` or ``.xlsx``, with python-calamine) into
rows of text: dates as ISO strings, whole numbers without ``.0``, empty cells as ``""``.

Example:
    >>> cell_text(1969.0), cell_text(datetime(2014, 12, 15)), cell_text(None)
    ('1969', '2014-12-15', '')
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from concord.errors import ParseError
from concord.sources.spreadsheet import read_first_sheet

Row = tuple[str, ...]
HeaderCheck = Callable[[Row], object]


def cell_text(value: object) -> str:
    """One cell value as text."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows(filename: str, data: bytes, check: HeaderCheck | None) -> list[Row]:
    rows = read_first_sheet(filename, data)
    if not rows:
        raise ParseError(filename, "workbook sheet is empty")
    header = tuple(cell_text(v) for v in rows[0])
    if check is not None:
        check(header)
    # The .xlsx claims 255 columns: keep only as many as the header names.
    width = max((i + 1 for i, v in enumerate(header) if v.strip()), default=1)
    out = [header[:width]]
    for row in rows[1:]:
        cells = tuple(cell_text(v) for v in row[:width])
        out.append(cells + ("",) * (width - len(cells)))
    return out


def xls_rows(filename: str, data: bytes) -> list[Row]:
    """The rows of the first sheet of an ``.xls`` workbook."""
    return _rows(filename, data, None)


def xlsx_rows(filename: str, data: bytes, check: HeaderCheck | None = None) -> list[Row]:
    """The rows of the first sheet of an ``.xlsx`` workbook (only as wide as its header).

    `check` sees the header first and may refuse the file.
    """
    return _rows(filename, data, check)
