"""Concord's commands. Each is a thin wrapper over one library call."""

from __future__ import annotations

import csv
import functools
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from concord.cli.output import emit, emit_json, format_option
from concord.errors import BadInput, ConcordError, NotFound
from concord.model import jurisdictions
from concord.model.regimes import registry
from concord.resolve import judgements
from concord.resolve.cluster import THRESHOLD
from concord.resolve.profiles import Profile
from concord.resolve.run import (
    ResolutionReport,
    adhoc_profile,
    compare_rows,
    entry_table,
    resolve,
    review_queue,
    scored_profiles,
    target,
    within_list_duplicates,
)
from concord.resolve.score import compare as compare_profiles
from concord.store import Store, queries

if TYPE_CHECKING:  # imported by `ingest` only: the parsers load FtM's data model (~0.3 s)
    from concord.ingest import IngestReport

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_MIRROR = "../shared/data/raw"


def handle_errors(func: F) -> F:
    """Turn Concord errors into one-line messages and exit codes."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ConcordError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


def parse_day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    """A click callback for YYYY-MM-DD options."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD") from None


# The other command modules register their commands on `cli` when imported: each only when
# one of its commands is asked for (the screening commands' alone for `concord screen`, so a
# screening starts without loading the web app, the dossier crypto and the report machinery).
COMMAND_MODULES = ("analysis_cmds", "dossier_cmds", "screen_cmds", "web_cmds", "changes_cmds",
                   "alerts_cmds")  # fmt: skip
SCREEN_COMMANDS = ("screen", "decide", "decisions")


class LazyCommands(click.Group):
    """A group whose commands in other modules are imported when first needed."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            _import_commands(["screen_cmds"] if cmd_name in SCREEN_COMMANDS else COMMAND_MODULES)
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        _import_commands(COMMAND_MODULES)
        return super().list_commands(ctx)


def _import_commands(modules: Sequence[str]) -> None:
    for module in modules:
        importlib.import_module(f"concord.cli.{module}")


@click.group(cls=LazyCommands)
@click.option(
    "--database",
    envvar="CONCORD_DATABASE_URL",
    default=None,
    help="Store URL (default: sqlite:///var/concord.sqlite).",
)
@click.version_option(package_name="concord")
@click.pass_context
def cli(ctx: click.Context, database: str | None) -> None:
    """Concord: who is sanctioned where, since when, on what ground."""
    ctx.obj = {"database": database}


def get_store(ctx: click.Context) -> Store:
    """The store of this invocation (opened once)."""
    obj = ctx.find_root().obj
    if "store" not in obj:
        obj["store"] = Store(obj["database"])
    store: Store = obj["store"]
    return store


def _progress_bar() -> tuple[Progress, Callable[[str, int, int], None]]:
    bar = Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        transient=True,
        disable=not sys.stderr.isatty(),
    )
    task = bar.add_task("ingest", total=None)

    def update(label: str, done: int, total: int) -> None:
        bar.update(task, description=label, completed=done, total=total)

    return bar, update


def _warnings(report: IngestReport) -> None:
    """The warnings of each source's newest added snapshot; older ones only counted."""
    newest: dict[str, Any] = {}
    total: dict[str, int] = {}
    for outcome in report.outcomes:
        if outcome.warnings:
            newest[outcome.source] = outcome
            total[outcome.source] = total.get(outcome.source, 0) + len(outcome.warnings)
    for source, outcome in newest.items():
        for warning in outcome.warnings:
            click.echo(f"warning   {source} {outcome.observed}: {warning}", err=True)
        more = total[source] - len(outcome.warnings)
        if more:
            click.echo(
                f"warning   {source}: {more} more in older snapshots "
                f"(concord snapshots --source {source} --warnings)",
                err=True,
            )


def _report(report: IngestReport) -> None:
    for outcome in report.outcomes:
        if outcome.status == "added" and outcome.changes is not None:
            c = outcome.changes
            click.echo(
                f"added     {outcome.source} {outcome.observed}: {outcome.entries} "
                f"entries (+{c.added} new, {c.changed} changed, -{c.removed} removed)"
            )
    _warnings(report)
    for outcome in report.refused:
        click.echo(f"refused   {outcome.message}", err=True)
    for skipped in report.skipped:
        click.echo(f"skipped   {skipped}", err=True)
    click.echo(
        f"{report.count('added')} snapshots added, {report.count('unchanged')} already "
        f"in the store, {len(report.refused)} refused"
    )


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--source", help="With files: the source they belong to (e.g. us-ofac).")
@click.option("--date", "observed", callback=parse_day, help="With files: observed date.")
@click.option("--no-resolve", is_flag=True, help="Do not resolve targets after a change.")
@click.pass_context
@handle_errors
def ingest(
    ctx: click.Context, paths: tuple[Path, ...], source: str | None, observed: date | None,
    no_resolve: bool,
) -> None:  # fmt: skip
    """Ingest a mirror folder (default CONCORD_MIRROR), or files with --source and --date.

    When a snapshot was added, or an earlier resolution was stopped before it finished,
    targets are resolved again, incrementally (only entries new or changed since the last
    resolution are scored), unless --no-resolve.
    Exit code 0 when everything was ingested, 2 when some snapshot was refused.
    """
    from concord.ingest import ingest_files, ingest_mirror

    store = get_store(ctx)
    if source is not None:
        if not paths or observed is None:
            raise BadInput("--source needs --date and at least one file")
        report = ingest_files(store, source, observed, list(paths))
    else:
        if len(paths) > 1:
            raise BadInput("give one mirror folder, or files with --source and --date")
        mirror = paths[0] if paths else Path(os.environ.get("CONCORD_MIRROR", DEFAULT_MIRROR))
        bar, update = _progress_bar()
        with bar:
            report = ingest_mirror(store, mirror, progress=update)
    _report(report)
    if not no_resolve:
        with store.read() as conn:
            pending = Store.unresolved(conn)  # the snapshots just added, and any left over
        if pending and not report.count("added"):  # a resolution stopped (killed) or skipped
            click.echo(f"{pending} snapshot(s) never resolved: resolving now", err=True)
        if pending:
            _resolved(resolve(store))
    if report.refused:
        sys.exit(2)


@cli.command("sources")
@format_option
@click.pass_context
@handle_errors
def sources_cmd(ctx: click.Context, fmt: str) -> None:
    """One row per source: snapshots, newest date, entries, Magnitsky-class entries."""
    emit(queries.sources_summary(get_store(ctx)), fmt, title="Sources")


@cli.command()
@click.option("--source", help="Only this source.")
@click.option("--warnings", "show_warnings", is_flag=True, help="Show each parser warning.")
@format_option
@click.pass_context
@handle_errors
def snapshots(ctx: click.Context, source: str | None, show_warnings: bool, fmt: str) -> None:
    """Every snapshot with its status (ok, or refused and why)."""
    rows = get_store(ctx).snapshot_rows(source)
    cols = ["source", "effective", "observed", "published", "status", "entry_count", "format",
            "message"]  # fmt: skip
    if show_warnings:
        cols.append("warnings")
    emit(rows, fmt, title="Snapshots", columns=cols)


@cli.command("entries")
@click.option("--source", help="Only this source.")
@click.option("--regime", help="Only designations under this regime key (e.g. US-GLOMAG).")
@click.option("--magnitsky", is_flag=True, help="Only Magnitsky-class designations.")
@click.option("--as-of", "as_of", callback=parse_day, help="State as of this date.")
@format_option
@click.pass_context
@handle_errors
def entries_cmd(
    ctx: click.Context,
    source: str | None,
    regime: str | None,
    magnitsky: bool,
    as_of: date | None,
    fmt: str,
) -> None:
    """List entries with their designations."""
    if regime is not None and registry().get(regime) is None:
        raise BadInput(f"unknown regime key {regime!r} (see `concord regimes`)")
    rows = queries.entry_rows(
        get_store(ctx), source=source, regime=regime, as_of=as_of, magnitsky=magnitsky
    )
    emit(rows, fmt, title="Entries")


@cli.command()
@click.argument("key")
@format_option
@click.pass_context
@handle_errors
def entry(ctx: click.Context, key: str, fmt: str) -> None:
    """Every property of one entry, with first_seen / last_seen and the file it came from."""
    detail = queries.entry_detail(get_store(ctx), key)
    if fmt == "json":
        emit_json(detail)
        return
    click.echo(f"{detail['entry_key']}  {detail['schema']}  {detail['name']}")
    click.echo(
        f"first seen {detail['first_seen']}, last seen {detail['last_seen']}"
        f"{'' if detail['present'] else ' (no longer listed)'}"
    )
    emit(
        [{**d, "listed": d["listed"]["text"]} for d in detail["designations"]],
        fmt,
        title="Designations",
        columns=["regime", "label", "listed", "first_seen", "last_seen"],
    )
    emit(
        detail["statements"],
        fmt,
        title="Statements",
        columns=["entity_id", "prop", "value", "first_seen", "last_seen", "file"],
    )


def designation_rows(found: list[queries.Designation]) -> list[dict[str, Any]]:
    """Designations as table rows: dates as text, grounds with their basis."""
    return [
        {
            **d.as_dict(),
            "listed": str(d.listed),
            "delisted": str(d.delisted) if d.delisted else "",
            "relisted": str(d.relisted) if d.relisted else "",
            "grounds": ("" if d.grounds_stated else "unstated: ") + " or ".join(d.grounds),
            "runs": "; ".join(f"{r['start']}..{r['end'] or ''}" for r in d.as_dict()["runs"]),
            "warnings": "; ".join(d.warnings),
        }
        for d in found
    ]


@cli.command()
@click.option("--source", help="Only this source.")
@click.option("--regime", help="Only this regime key.")
@click.option("--as-of", "as_of", callback=parse_day, help="State as of this date.")
@format_option
@click.pass_context
@handle_errors
def designations(
    ctx: click.Context, source: str | None, regime: str | None, as_of: date | None, fmt: str
) -> None:
    """Designations (entry + regime) with listing dates or intervals."""
    found = queries.designations(get_store(ctx), source=source, regime=regime, as_of=as_of)
    emit(
        designation_rows(found),
        fmt,
        title="Designations",
        columns=[
            "entry_key",
            "regime",
            "label",
            "jurisdiction",
            "grounds",
            "listed",
            "listed_basis",
            "relisted",
            "first_seen",
            "last_seen",
            "delisted",
        ],
    )


@cli.command()
@format_option
@handle_errors
def regimes(fmt: str) -> None:
    """The regime registry."""
    rows = [
        {
            "key": r.key,
            "jurisdiction": jurisdictions.shown(r.jurisdiction),
            "name": r.name,
            "in_force": r.in_force,
            "grounds": ", ".join(r.grounds),
            "measures": ", ".join(r.measures),
            "magnitsky": r.magnitsky,
        }
        for r in registry()
    ]
    emit(rows, fmt, title="Regimes")


@cli.command()
@click.option("--what", type=click.Choice(["entities", "entries", "designations"]),
              default="entities", show_default=True,
              help="FtM entities, one row per list entry, or one per current designation "
                   "(the read model every page and report uses).")  # fmt: skip
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["ftm", "csv", "json", "table"]),
    default=None,
    help="ftm for entities (default); csv/json/table for entries.",
)
@click.option("--source", help="Only this source (entities).")
@click.pass_context
@handle_errors
def export(ctx: click.Context, what: str, fmt: str | None, source: str | None) -> None:
    """Export current entities as FollowTheMoney JSON lines, or the entries or designations as
    a table."""
    if what == "designations":
        if fmt == "ftm":
            raise BadInput("designations export as csv, json or table")
        found = queries.designations(get_store(ctx), source=source)
        emit(designation_rows(found), fmt or "csv", title="Designations")
        return
    if what == "entries":
        if fmt == "ftm":
            raise BadInput("entries export as csv, json or table; entities as ftm")
        emit(entry_table(get_store(ctx)), fmt or "csv", title="Entries")
        return
    if fmt not in (None, "ftm"):
        raise BadInput("entities export as ftm (JSON lines); use --what entries for csv")
    for entity in queries.export_entities(get_store(ctx), source=source):
        click.echo(json.dumps(entity, ensure_ascii=False, sort_keys=True))


def _resolved(report: ResolutionReport) -> None:
    how = "full" if report.full else (f"incremental: {report.changed} entries new or changed, "
                                      f"{report.removed} gone")  # fmt: skip
    click.echo(f"resolved ({how}): {report.profiles} entries, {report.scored} candidate pairs "
               f"scored, {report.targets} targets ({report.multi} with 2+ entries) "
               f"in {report.seconds:.1f} s")  # fmt: skip


@cli.command("resolve")
@click.option("--full", is_flag=True, help="Score every candidate pair from scratch.")
@click.pass_context
@handle_errors
def resolve_cmd(ctx: click.Context, full: bool) -> None:
    """Resolve every current entry into targets (same person or body across lists).

    Incremental after a first run: only entries new or changed since the last run are
    scored; the targets are the ones a full run gives.
    """
    _resolved(resolve(get_store(ctx), full=full))


@cli.command()
@click.argument("a", required=False)
@click.argument("b", required=False)
@click.option("--schema", default="Person", show_default=True, help="For names: the schema.")
@click.option("--dob1", help="For names: date of birth of A.")
@click.option("--dob2", help="For names: date of birth of B.")
@click.option("--input", "input_", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="CSV of pairs: name1, name2 [, schema, dob1, dob2].")  # fmt: skip
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False),
              help="With --input: where to write the scores (CSV).")  # fmt: skip
@format_option
@click.pass_context
@handle_errors
def compare(
    ctx: click.Context, a: str | None, b: str | None, schema: str, dob1: str | None,
    dob2: str | None, input_: Path | None, output: Path | None, fmt: str,
) -> None:  # fmt: skip
    """Score two entries (entry keys) or two names, or a CSV of name pairs, and explain."""
    if input_ is not None:
        _compare_file(input_, output)
        return
    if a is None or b is None:
        raise BadInput("give two entry keys or names, or --input pairs.csv")
    left, right = _profile(ctx, a, schema, dob1), _profile(ctx, b, schema, dob2)
    score = compare_profiles(left, right)
    if fmt == "json":
        features = [{"feature": f.name, **f.as_dict()} for f in score.features]
        emit_json({"a": a, "b": b, "score": score.score, "strong": score.strong,
                   "conflict": score.conflict, "features": features})  # fmt: skip
        return
    rows = [{"feature": f.name, "weight": f.weight, "detail": f.detail} for f in score.features]
    click.echo(
        f"score {score.score:.3f}  ({'merge' if score.score >= THRESHOLD else 'no merge'}"
        f"{', conflict' if score.conflict else ''}{', strong' if score.strong else ''})"
    )
    emit(rows, fmt, title=f"{a} ~ {b}")


def _compare_file(source: Path, target_path: Path | None) -> None:
    try:
        with source.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise BadInput(f"{source}: not a readable CSV ({exc})") from None
    scored = compare_rows(rows)
    if target_path is None:
        emit(scored, "csv")
        return
    with target_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(scored[0]) if scored else ["score"])
        writer.writeheader()
        writer.writerows(scored)
    click.echo(f"{len(scored)} pairs scored -> {target_path}")


def _profile(ctx: click.Context, ref: str, schema: str, dob: str | None) -> Profile:
    if ":" in ref and not ref.startswith("query:"):
        found = scored_profiles(get_store(ctx), {ref})
        if not found:
            raise NotFound(f"no current entry {ref!r} of a person, body or craft")
        return found[0]
    return adhoc_profile(ref, schema, dob)


@cli.command("target")
@click.argument("ref")
@format_option
@click.pass_context
@handle_errors
def target_cmd(ctx: click.Context, ref: str, fmt: str) -> None:
    """A target (by id, entry key or name): its entries and the evidence that joined them."""
    found = target(get_store(ctx), ref)
    if fmt == "json":
        emit_json(found)
        return
    click.echo(f"target {found['target_id']}")
    emit(found["entries"], fmt, title="Entries")
    rows = [{**e, "features": "; ".join(f"{f['name']} {f['weight']:+.1f}" for f in e["features"])}
            for e in found["evidence"]]  # fmt: skip
    emit(rows, fmt, title="Evidence", columns=["a", "b", "score", "decision", "reason", "features"])


@cli.command()
@click.argument("a")
@click.argument("b")
@click.argument("verdict", type=click.Choice(judgements.VERDICTS))
@click.option("--note", help="Why: the evidence you looked at.")
@click.option("--by", help="Who judges (default: CONCORD_USER or the login name).")
@click.pass_context
@handle_errors
def judge(ctx: click.Context, a: str, b: str, verdict: str, note: str | None,
          by: str | None) -> None:  # fmt: skip
    """Record that entries A and B are the same target, different ones, or unsure."""
    item = judgements.make(a, b, verdict, note, by)
    store = get_store(ctx)
    for key in (item.key_a, item.key_b):
        queries.entry_detail(store, key)  # NotFound for a mistyped key
    judgements.record(store, [item])
    click.echo(f"judged {item.key_a} ~ {item.key_b}: {verdict} (by {item.author}); "
               "it applies from the next `concord resolve`")  # fmt: skip


@cli.group("judgements")
def judgements_group() -> None:
    """Share judgements with a team: export and import JSON lines."""


@judgements_group.command("export")
@click.pass_context
@handle_errors
def judgements_export(ctx: click.Context) -> None:
    """Every judgement, oldest first, as JSON lines on stdout."""
    for line in judgements.export_lines(get_store(ctx)):
        click.echo(line)


@judgements_group.command("import")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--by", help="Who imports, for the audit log (default: CONCORD_USER or login).")
@click.pass_context
@handle_errors
def judgements_import(ctx: click.Context, path: Path, by: str | None) -> None:
    """Import judgements from a JSON-lines file (ones already held are skipped)."""
    with path.open(encoding="utf-8") as handle:
        count = judgements.import_lines(get_store(ctx), handle, str(path), by)
    click.echo(f"{count} judgements imported from {path}")


@cli.command()
@click.option("--limit", default=20, show_default=True, help="How many pairs to show.")
@click.option("--list", "list_only", is_flag=True, help="Only list the pairs, ask nothing.")
@click.option("--by", help="Who judges (default: CONCORD_USER or the login name).")
@format_option
@click.pass_context
@handle_errors
def review(ctx: click.Context, limit: int, list_only: bool, by: str | None, fmt: str) -> None:
    """Decide uncertain pairs in the terminal: s(ame), d(ifferent), u(nsure), n(ext), q(uit)."""
    store = get_store(ctx)
    queue = review_queue(store, limit)
    if list_only or not queue:
        emit(queue, fmt, title="Pairs to review",
             columns=["a", "b", "name_a", "name_b", "score", "decision", "decides_gap",
                      "magnitsky"])  # fmt: skip
        return
    answers = {"s": "same", "d": "different", "u": "unsure"}
    decided = 0
    for item in queue:
        click.echo(f"\n{item['a']}  {item['name_a']}\n{item['b']}  {item['name_b']}")
        click.echo(f"score {item['score']} ({item['decision']}"
                   f"{': ' + item['reason'] if item['reason'] else ''})")  # fmt: skip
        click.echo("  " + item["features"].replace("; ", "\n  "))
        choice = click.prompt("s/d/u/n/q", type=click.Choice(["s", "d", "u", "n", "q"]),
                              show_choices=False)  # fmt: skip
        if choice == "q":
            break
        if choice in answers:
            judgements.record(store, [judgements.make(item["a"], item["b"], answers[choice],
                                                      "concord review", by)])  # fmt: skip
            decided += 1
    click.echo(f"{decided} judgements recorded; they apply from the next `concord resolve`")


@cli.command()
@format_option
@click.pass_context
@handle_errors
def duplicates(ctx: click.Context, fmt: str) -> None:
    """Targets with 2+ entries of one list (per-schedule listings, plain duplicates)."""
    emit(within_list_duplicates(get_store(ctx)), fmt, title="Entries of one list in one target")


def main() -> None:
    """Console entry point."""
    cli()
