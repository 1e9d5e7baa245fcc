"""Change tracking commands: diff, changes, history, feed, watch.

Each is a thin wrapper over one function of `concord.store.changes` or `concord.analysis`.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click

from concord.analysis.changes import Period, changes_report, diff_report, target_history
from concord.analysis.feeds import FORMATS as FEED_FORMATS
from concord.analysis.feeds import FeedQuery, atom_feed, json_feed
from concord.analysis.frame import load_frame
from concord.analysis.watch import STATUSES, WatchQuery, watch_report
from concord.cli.main import cli, get_store, handle_errors, parse_day
from concord.cli.output import emit, emit_json, format_option
from concord.errors import BadInput
from concord.model.jurisdictions import codes


def _entry_rows(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entry changes flat, for tables and CSV: each amendment as `prop: old -> new`."""
    return [{**e, "programs": "; ".join(e["programs"]), "regimes": "; ".join(e["regimes"]),
             "changes": " | ".join(f"{c['schema']}.{c['prop']}: {'; '.join(c['old']) or '-'} -> "
                                   f"{'; '.join(c['new']) or '-'}" for c in e["changes"])}
            for e in entries]  # fmt: skip


ENTRY_COLUMNS = ["date", "source", "kind", "entry_key", "name", "programs", "changes"]
TARGET_COLUMNS = ["date", "change", "name", "regime", "entry_key", "also_by"]


@cli.command("diff")
@click.argument("source")
@click.argument("day1", metavar="DATE1")
@click.argument("day2", metavar="DATE2")
@format_option
@click.pass_context
@handle_errors
def diff_cmd(ctx: click.Context, source: str, day1: str, day2: str, fmt: str) -> None:
    """Entries of SOURCE added, removed and amended (old and new values) between its
    snapshots of DATE1 and DATE2 (each the newest on or before that day)."""
    store = get_store(ctx)
    report = diff_report(store, load_frame(store), source, _day(day1), _day(day2))
    if fmt == "json":
        emit_json(report)
        return
    counts = report["summary"]
    if fmt == "table":
        click.echo(
            f"{source} {counts['before']} -> {counts['after']}: {counts['added']} added, "
            f"{counts['removed']} removed, {counts['amended']} amended"
        )
    emit(_entry_rows(report["entries"]), fmt, title="Entries", columns=ENTRY_COLUMNS)
    if fmt == "table":
        emit(report["targets"], fmt, title="Targets", columns=TARGET_COLUMNS)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"{text!r} is not a date YYYY-MM-DD") from None


@cli.command("changes")
@click.option("--since", required=True, callback=parse_day, help="First day (YYYY-MM-DD).")
@click.option("--until", callback=parse_day, help="Last day (default: no end).")
@click.option("--source", help="Only this list (e.g. us-ofac).")
@format_option
@click.pass_context
@handle_errors
def changes_cmd(ctx: click.Context, since: date, until: date | None, source: str | None,
                fmt: str) -> None:  # fmt: skip
    """What changed in the lists from SINCE to UNTIL: entries added, removed, amended (per
    snapshot), and targets now also (or no longer) sanctioned by a jurisdiction."""
    store = get_store(ctx)
    report = changes_report(store, load_frame(store), Period(since, until), source)
    if fmt == "json":
        emit_json(report)
        return
    if fmt == "table":
        emit(report["snapshots"], fmt, title="Snapshots compared")
    emit(_entry_rows(report["entries"]), fmt, title="Entries", columns=ENTRY_COLUMNS)
    if fmt == "table":
        emit(report["targets"], fmt, title="Targets", columns=TARGET_COLUMNS)


@cli.command("history")
@click.argument("ref")
@format_option
@click.pass_context
@handle_errors
def history_cmd(ctx: click.Context, ref: str, fmt: str) -> None:
    """Every change to every entry of a target (id, entry key or name), with dates."""
    store = get_store(ctx)
    found = target_history(store, load_frame(store), ref)
    if fmt == "json":
        emit_json(found)
        return
    if fmt == "table":
        click.echo(f"target {found['target_id']}: {found['name']}")
    emit(_entry_rows(found["events"]), fmt, title="History",
         columns=["date", "after", "entry_key", "kind", "change", "changes"])  # fmt: skip


@cli.command("feed")
@click.option("--format", "fmt", type=click.Choice(FEED_FORMATS), default="atom",
              show_default=True, help="Atom or JSON Feed 1.1.")  # fmt: skip
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False),
              help="The file to write (default: standard output).")  # fmt: skip
@click.option("--jurisdiction", help="Only designations by this jurisdiction (e.g. US).")
@click.option("--regime", help="Only this regime key (e.g. US-GLOMAG).")
@click.option("--ground", type=click.Choice(["human_rights", "corruption"]),
              help="Only designations on this ground (unstated grounds included).")  # fmt: skip
@click.option("--target-country", "country", help="Only targets of this country (ISO code).")
@click.option("--since", callback=parse_day, help="Only designations listed on or after.")
@click.option("--base-url", default="http://localhost:8000", show_default=True,
              help="Where the web app is served, for the items' links.")  # fmt: skip
@click.pass_context
@handle_errors
def feed_cmd(ctx: click.Context, fmt: str, out: Path | None, jurisdiction: str | None,
             regime: str | None, ground: str | None, country: str | None, since: date | None,
             base_url: str) -> None:  # fmt: skip
    """Write a feed of new designations (newest first), filtered."""
    query = FeedQuery(jurisdiction, regime, ground, country, since)
    frame = load_frame(get_store(ctx))
    self_url = f"{base_url.rstrip('/')}/feeds/designations.{fmt}"
    if fmt == "atom":
        data = atom_feed(frame, query, base_url, self_url)
    else:
        data = json.dumps(json_feed(frame, query, base_url, self_url), ensure_ascii=False,
                          indent=1).encode()  # fmt: skip
    if out is None:
        click.echo(data.decode())
        return
    out.write_bytes(data)
    click.echo(f"feed written to {out}", err=True)


@cli.command("watch")
@click.option("--as-of", "as_of", callback=parse_day,
              help="The day to watch from (default: the newest snapshot's).")  # fmt: skip
@click.option("--jurisdiction", help="Only items these jurisdictions lead, e.g. US,UK.")
@click.option("--status", type=click.Choice(STATUSES), default="all", show_default=True)
@format_option
@click.pass_context
@handle_errors
def watch_cmd(ctx: click.Context, as_of: date | None, jurisdiction: str | None, status: str,
              fmt: str) -> None:  # fmt: skip
    """Magnitsky-class designations others have not matched: days open, who closed them
    and with what lag, who has still not matched."""
    store = get_store(ctx)
    query = WatchQuery(as_of, tuple(codes(jurisdiction)) if jurisdiction else (), status)
    report = watch_report(store, load_frame(store), query)
    if fmt == "json":
        emit_json(report)
        return
    emit(report["items"], fmt, title=f"Coordination watch as of {report['as_of']}",
         columns=None if fmt != "table" else [
             "name", "leader", "regime", "listed", "status", "days_open", "closed_by",
             "closed_on", "lag", "not_matched_by", "sanctioned_otherwise"])  # fmt: skip
    if fmt == "table":
        lists = ", ".join(f"{s} {d}" for s, d in report["lists_as_of"].items())
        click.echo(f"{report['open']} open, {report['closed']} closed; lists read: {lists}")
