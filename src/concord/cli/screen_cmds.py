"""Screening commands: `concord screen`, `concord decide`, `concord decisions`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from concord.cli.main import cli, get_store, handle_errors
from concord.cli.output import emit, emit_json, format_option
from concord.errors import BadInput
from concord.screen import (
    THRESHOLD,
    BatchOptions,
    BatchReport,
    Filters,
    Query,
    decide,
    decisions,
    get_index,
    screen,
    screen_file,
)
from concord.screen.decisions import VERDICTS, apply, suppressions
from concord.store import Store

HIT_COLUMNS = ["target_id", "caption", "score", "matched_name", "jurisdictions", "regimes",
               "explanation"]  # fmt: skip


def _filters(jurisdiction: tuple[str, ...], regime: tuple[str, ...], ground: tuple[str, ...],
             target_country: tuple[str, ...], source: tuple[str, ...]) -> Filters:  # fmt: skip
    return Filters.make(jurisdiction, regime, ground, target_country, source)


@cli.command("screen")
@click.argument("name", required=False)
@click.option("--dob", help="Date of birth or incorporation (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--country", help="The customer's country (name or ISO code): evidence.")
@click.option("--schema", help="Person, Organization, Company, Vessel... (default: any).")
@click.option("--customer", help="Customer id: hits it has marked false positive stay quiet.")
@click.option(
    "--jurisdiction", multiple=True, help="Only targets listed by US, GB (UK), CA, EU, AU, UN."
)
@click.option("--regime", multiple=True, help="Only targets under this regime key (US-GLOMAG).")
@click.option("--ground", multiple=True, help="Only targets on this ground (human_rights...).")
@click.option("--target-country", multiple=True, help="Only targets linked to this country.")
@click.option("--source", multiple=True, help="Only entries of this list (e.g. us-ofac).")
@click.option("--threshold", type=float, default=THRESHOLD, show_default=True)
@click.option("--limit", type=int, default=5, show_default=True, help="Hits per name.")
@click.option("--input", "input_", type=click.Path(path_type=Path, dir_okay=False),
              help="Records (csv, jsonl, parquet): id, name[, dob, country, schema].")  # fmt: skip
@click.option("--output", type=click.Path(path_type=Path),
              help="With --input: hits (.csv, .jsonl, .parquet); resumes a cut run. With "
                   "--dask, a folder (no suffix) gets one parquet part per partition.")  # fmt: skip
@click.option("--workers", type=int, default=2, show_default=True, help="With --input.")
@click.option(
    "--dask",
    "dask_address",
    metavar="ADDRESS",
    help="With --input: screen on a Dask cluster, `local` or tcp://scheduler:8786.",
)
@click.option(
    "--dask-workers",
    type=int,
    default=2,
    show_default=True,
    help="With --dask local: worker processes.",
)
@click.option(
    "--dask-partition",
    type=int,
    default=10_000,
    show_default=True,
    help="With --dask: records per task.",
)
@format_option
@click.pass_context
@handle_errors
def screen_cmd(ctx: click.Context, name: str | None, dob: str | None, country: str | None,
               schema: str | None, customer: str | None, jurisdiction: tuple[str, ...],
               regime: tuple[str, ...], ground: tuple[str, ...], target_country: tuple[str, ...],
               source: tuple[str, ...], threshold: float, limit: int, input_: Path | None,
               output: Path | None, workers: int, dask_address: str | None, dask_workers: int,
               dask_partition: int, fmt: str) -> None:  # fmt: skip
    """Screen a name (or a file of them) against every current list at once."""
    filters = _filters(jurisdiction, regime, ground, target_country, source)
    store = get_store(ctx)
    if input_ is not None:
        if output is None or name is not None:
            raise BadInput("with --input give --output and no NAME")
        options = BatchOptions(filters, threshold, limit, workers)
        if dask_address is not None:
            _dask_batch(store, input_, output, options,
                        (dask_address, dask_workers, dask_partition))  # fmt: skip
            return
        if output.is_dir():
            raise BadInput(f"{output} is a folder: name a .csv, .jsonl or .parquet file")
        _batch(store, input_, output, options)
        return
    if dask_address is not None:
        raise BadInput("--dask screens a file: give --input FILE --output FILE|FOLDER")
    if name is None:
        raise BadInput("give a NAME to screen, or --input FILE --output FILE")
    query = Query([name], schema, [dob] if dob else [], [country] if country else [],
                  filters, threshold, limit)  # fmt: skip
    hits = apply(screen(get_index(store), query), customer, suppressions(store))
    quiet = [h for h in hits if h.suppressed]
    rows = [h.as_dict() for h in hits if not h.suppressed]
    if fmt == "json":
        emit_json(rows)
    else:
        emit(rows, fmt, title=f"Screening {name!r}", columns=HIT_COLUMNS)
    if quiet:
        click.echo(f"{len(quiet)} hit(s) silenced by a false-positive decision for {customer}: "
                   + ", ".join(h.target.target_id for h in quiet), err=True)  # fmt: skip


def _batch(store: Store, source: Path, output: Path, options: BatchOptions) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    partial = output.with_name(output.name + ".partial")
    if partial.exists():
        click.echo(f"resuming: {partial} holds the records already screened", err=True)
    bar = Progress(
        *Progress.get_default_columns()[:1],
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
        disable=not sys.stderr.isatty(),
    )
    with bar:
        task = bar.add_task("screening", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            report = screen_file(store, source, output, options, update)
        except KeyboardInterrupt:
            click.echo(f"interrupted: run the same command again to resume ({partial})", err=True)
            sys.exit(130)
    _summary(report, output)


def _dask_batch(store: Store, source: Path, output: Path, options: BatchOptions,
                dask: tuple[str, int, int]) -> None:  # fmt: skip
    # Imported here: a `concord screen` without --dask never loads Dask.
    from concord.screen.distributed import DaskOptions, screen_on_dask

    report = screen_on_dask(store, source, output, options, DaskOptions(*dask))
    _summary(report, output)


def _summary(report: BatchReport, output: Path) -> None:
    if report.resumed:
        click.echo(f"skipped   {report.resumed} records already screened by the interrupted run")
    click.echo(f"screened  {report.screened} records in {report.seconds:.1f} s "
               f"({report.rate:.0f}/s, {report.workers} worker(s))")  # fmt: skip
    click.echo(f"alerts    {report.hits} hits for {report.alerted} of {report.records} records"
               f" -> {output}")  # fmt: skip
    if report.suppressed:
        click.echo(f"silenced  {report.suppressed} hits marked false positive (target unchanged)")


@cli.command("decide")
@click.argument("customer_id")
@click.argument("target_id")
@click.argument("verdict", type=click.Choice(VERDICTS))
@click.option("--note", help="Why: what you checked.")
@click.option("--by", help="Who decides (default: CONCORD_USER or the login name).")
@format_option
@click.pass_context
@handle_errors
def decide_cmd(ctx: click.Context, customer_id: str, target_id: str, verdict: str,
               note: str | None, by: str | None, fmt: str) -> None:  # fmt: skip
    """Record a verdict on a screening hit (a false positive stops alerting until the
    target's data changes)."""
    store = get_store(ctx)
    made = decide(store, get_index(store), customer_id, target_id, verdict, note, by)
    emit([made.as_dict()], fmt, title="Decision")


@cli.command("decisions")
@click.option("--customer", help="Only this customer id.")
@format_option
@click.pass_context
@handle_errors
def decisions_cmd(ctx: click.Context, customer: str | None, fmt: str) -> None:
    """The latest screening decision of each (customer, target) pair."""
    rows = [d.as_dict() for d in decisions(get_store(ctx), customer)]
    columns = ["customer_id", "target_id", "verdict", "note", "author", "created_at"]
    emit(rows, fmt, title="Screening decisions", columns=columns)
