"""Print rows as a readable table, CSV or JSON (`--format table|csv|json`)."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

FORMATS = ("table", "csv", "json")

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Output format.",
)


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(_plain(v)) for v in value)
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def emit(
    rows: Sequence[dict[str, Any]],
    fmt: str,
    title: str | None = None,
    columns: Sequence[str] | None = None,
) -> None:
    """Print `rows` in the chosen format; columns default to the first row's keys."""
    cols = list(columns or (rows[0].keys() if rows else []))
    if fmt == "json":
        click.echo(json.dumps(list(rows), default=_json_default, ensure_ascii=False, indent=1))
        return
    if fmt == "csv":
        writer = csv.DictWriter(
            sys.stdout, fieldnames=cols, extrasaction="ignore", lineterminator="\n"
        )
        writer.writeheader()
        for row in rows:
            writer.writerow({c: _plain(row.get(c)) for c in cols})
        return
    table = Table(title=title, show_lines=False, header_style="bold")
    for col in cols:
        table.add_column(col.replace("_", " "), overflow="fold")
    for row in rows:
        # Text cells: list strings such as "[SDGT]" or ":VE:" are data, not markup or emoji.
        table.add_row(*(Text(str(_plain(row.get(c)))) for c in cols))
    Console(width=max(100, Console().width), emoji=False).print(table)
    if not rows:
        click.echo("(no rows)")


def emit_json(data: Any) -> None:
    """Print one JSON document."""
    click.echo(json.dumps(data, default=_json_default, ensure_ascii=False, indent=1))
