"""Tables as files to download: CSV (UTF-8) or XLSX (one sheet)."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import Any

from fastapi.responses import Response

from concord.errors import BadInput
from concord.report.xlsx import write_xlsx

FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _csv(rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    columns = list(rows[0]) if rows else []
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _xlsx(rows: list[dict[str, Any]], sheet: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "table.xlsx"
        write_xlsx({sheet: rows}, path)
        return path.read_bytes()


def download(rows: list[dict[str, Any]], name: str, fmt: str) -> Response:
    """`rows` as an attachment `name.csv` or `name.xlsx`."""
    if fmt not in FORMATS:
        raise BadInput(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    body = _csv(rows) if fmt == "csv" else _xlsx(rows, name)
    media = "text/csv; charset=utf-8" if fmt == "csv" else XLSX
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    return Response(body, media_type=media, headers=headers)
