"""The report's tables as a workbook: one sheet per table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

MAX_CELL = 32_000  # Excel refuses cells longer than 32,767 characters


def _value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str | int | float | bool):
        return value[:MAX_CELL] if isinstance(value, str) else value
    return str(value)


def write_xlsx(tables: dict[str, list[dict[str, Any]]], path: Path) -> None:
    """Write `tables` (sheet name -> rows) to `path`, a header row on each sheet."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in tables.items():
        sheet = book.create_sheet(name[:31])
        columns = list(rows[0]) if rows else ["(no rows)"]
        sheet.append(columns)
        for row in rows:
            sheet.append([_value(row.get(c)) for c in columns])
        sheet.freeze_panes = "A2"
        for index, column in enumerate(columns, 1):
            width = max([len(str(column)), *(len(str(r.get(column, ""))) for r in rows[:200])])
            sheet.column_dimensions[get_column_letter(index)].width = min(60, width + 2)
    book.save(path)
