"""Batch screening files: customer records in, hits out (CSV, JSON lines or Parquet)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from concord.errors import BadInput

REQUIRED = ("id", "name")
OPTIONAL = ("dob", "country", "schema")
HIT_COLUMNS = ("id", "name", "target_id", "score", "matched_name", "matched_entry",
               "caption", "schema", "jurisdictions", "regimes", "grounds", "entries",
               "explanation")  # fmt: skip
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}


def file_format(path: Path) -> str:
    """`csv`, `jsonl` or `parquet`, from the file's suffix."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise BadInput(f"{path.name}: unknown file type (use .csv, .jsonl or .parquet)")
    return fmt


def _csv_rows(path: Path, data: bytes) -> list[dict[str, Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"{path.name}: not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _jsonl_rows(path: Path, data: bytes) -> list[dict[str, Any]]:
    rows = []
    try:
        lines = data.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"{path.name}: not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            raise BadInput(f"{path.name}: line {number} is not JSON") from None
        if not isinstance(row, dict):
            raise BadInput(f"{path.name}: line {number} is not a JSON object")
        rows.append(row)
    return rows


def _parquet_rows(path: Path) -> list[dict[str, Any]]:
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    try:
        return list(pq.read_table(path).to_pylist())
    except (pa.ArrowException, OSError) as exc:
        raise BadInput(f"{path.name}: not a readable Parquet file ({exc})") from None


def _check(path: Path, rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    if not rows:
        raise BadInput(f"{path.name}: no records")
    columns = {str(c).strip().lower() for c in rows[0]}
    if missing := [c for c in REQUIRED if c not in columns]:
        found = ", ".join(sorted(columns)) or "none"
        raise BadInput(f"{path.name}: missing column {missing[0]!r} (found: {found})")
    out, seen = [], set()
    for number, raw in enumerate(rows, 1):
        row = {str(k).strip().lower(): "" if v is None else str(v).strip() for k, v in raw.items()}
        for column in REQUIRED:
            if not row.get(column):
                raise BadInput(f"{path.name}: record {number} has no {column}")
        if row["id"] in seen:
            raise BadInput(f"{path.name}: record {number} repeats id {row['id']!r}")
        seen.add(row["id"])
        out.append({c: row.get(c, "") for c in (*REQUIRED, *OPTIONAL)})
    return out


def read_records(path: Path) -> list[dict[str, str]]:
    """The customer records of a file: `id` and `name` required; `dob`, `country`, `schema`
    optional. Anything unusable is BadInput with one message naming the file."""
    fmt = file_format(path)
    if not path.is_file():
        raise BadInput(f"{path}: file not found")
    if path.stat().st_size == 0:
        raise BadInput(f"{path.name}: file is empty")
    if fmt == "parquet":
        return _check(path, _parquet_rows(path))
    data = path.read_bytes()
    rows = _csv_rows(path, data) if fmt == "csv" else _jsonl_rows(path, data)
    return _check(path, rows)


def write_hits(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """Write hit rows in the format of the file's suffix (atomically: temp file, rename)."""
    fmt = file_format(path)
    rows = [{c: row.get(c, "") for c in HIT_COLUMNS} for row in rows]
    temp = path.with_name(path.name + ".tmp")
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        fields = [(c, pa.float64() if c == "score" else pa.string()) for c in HIT_COLUMNS]
        pq.write_table(pa.Table.from_pylist(rows, schema=pa.schema(fields)), temp)
    elif fmt == "csv":
        with temp.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(HIT_COLUMNS), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    else:
        with temp.open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    temp.replace(path)
