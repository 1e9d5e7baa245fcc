"""Coordination analysis commands: coverage, gaps, lags, alignment, timeline, report.

Each is a thin wrapper over one function of `concord.analysis` or `concord.report`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from concord.analysis.alignment import alignment
from concord.analysis.coverage import coverage
from concord.analysis.frame import (
    GROUND_CHOICES,
    JURISDICTIONS,
    REGIME_CHOICES,
    UNSTATED_CHOICES,
    Filter,
    jurisdiction_list,
    load_frame,
)
from concord.analysis.gaps import GapQuery, flat_rows, gaps
from concord.analysis.lags import lags
from concord.analysis.network import network_gaps
from concord.analysis.summary import headline_lines
from concord.analysis.timeline import timeline
from concord.cli.main import cli, get_store, handle_errors, parse_day
from concord.cli.output import emit, emit_json, format_option

F = TypeVar("F", bound=Callable[..., Any])
MISSING_UNDER = ("magnitsky", "human_rights", "corruption")


def filters(func: F) -> F:
    """The shared `--grounds`, `--regimes` and `--as-of` options."""
    as_of = click.option(
        "--as-of", "as_of", callback=parse_day, help="Answer as of this date (YYYY-MM-DD)."
    )
    regimes = click.option(
        "--regimes", type=click.Choice(REGIME_CHOICES), default="magnitsky",
        show_default=True, help="Magnitsky-class regimes only, or all.",
    )  # fmt: skip
    grounds = click.option(
        "--grounds", type=click.Choice(GROUND_CHOICES), default="any", show_default=True,
        help="Only designations on this ground.",
    )  # fmt: skip
    unstated = click.option(
        "--unstated", type=click.Choice(UNSTATED_CHOICES), default="include",
        show_default=True,
        help="With --grounds: count designations whose list does not say the ground "
             "(US GLOMAG: human rights or corruption).",
    )  # fmt: skip
    return grounds(unstated(regimes(as_of(func))))


def _unstated_note(rows: list[dict[str, Any]], flt: Filter) -> None:
    """With a ground filter, say how many rows rest on an unstated ground, and whether they
    are in (on stderr: csv and json stay clean)."""
    if flt.grounds == "any":
        return
    count = sum(1 for r in rows if str(r.get("ground", "")).startswith("unstated"))
    if flt.unstated == "include":
        click.echo(f"{count} of {len(rows)} rows rest on a designation whose list does not "
                   f"state the ground (included; --unstated exclude leaves them out).",
                   err=True)  # fmt: skip
    else:
        click.echo(
            "designations whose list does not state the ground are left out (--unstated exclude).",
            err=True,
        )


def _short(
    rows: list[dict[str, Any]], fmt: str, column: str, width: int = 90
) -> list[dict[str, Any]]:
    """In a table on screen, long texts are cut (csv and json keep them whole)."""
    if fmt != "table":
        return rows
    return [{**r, column: (r[column][: width - 1] + "…") if len(r[column]) > width else r[column]}
            for r in rows]  # fmt: skip


@cli.command("coverage")
@filters
@format_option
@click.pass_context
@handle_errors
def coverage_cmd(
    ctx: click.Context, grounds: str, unstated: str, regimes: str, as_of: date | None, fmt: str
) -> None:
    """Matrix of targets x jurisdictions: each cell the regime key and listed date
    (designations on other grounds in brackets)."""
    flt = Filter(grounds, regimes, unstated)
    rows = coverage(load_frame(get_store(ctx)), flt, as_of)
    # On screen, only the jurisdictions that hold something (csv and json keep them all).
    cols = ["name", "country", *(j for j in JURISDICTIONS if any(r[j] for r in rows))]
    emit(rows, fmt, title=f"Coverage ({flt.describe()})",
         columns=None if fmt != "table" else cols)  # fmt: skip


@cli.command("gaps")
@click.option("--designated-by", "leader", required=True, help="The jurisdiction that designates.")
@click.option("--missing", required=True, help="Jurisdictions that do not, e.g. UK,CA.")
@click.option("--missing-under", type=click.Choice(MISSING_UNDER),
              help="Missing unless designated under this class (default: any regime).")  # fmt: skip
@click.option("--target-country", help="Only targets tied to this country (ISO code, e.g. CN).")
@click.option("--since", callback=parse_day, help="Only designations listed on or after this date.")
@click.option("--network", is_flag=True, help="Associates sanctioned by one, not the other.")
@click.option("--exclude-possible", is_flag=True,
              help="Leave out targets with a possible match on the missing list.")  # fmt: skip
@filters
@format_option
@click.pass_context
@handle_errors
def gaps_cmd(ctx: click.Context, leader: str, missing: str, missing_under: str | None,
             target_country: str | None, since: date | None, network: bool,
             exclude_possible: bool, grounds: str, unstated: str, regimes: str, as_of: date | None,
             fmt: str) -> None:  # fmt: skip
    """Targets one jurisdiction sanctions and others do not (never, or delisted).

    A row whose target may be on the missing list under another spelling or with a
    conflicting birth date carries that `possible_match` (entry, score, why)."""
    query = GapQuery(leader, tuple(jurisdiction_list(missing)), Filter(grounds, regimes, unstated),
                     missing_under, target_country, since, as_of, exclude_possible)  # fmt: skip
    frame = load_frame(get_store(ctx))
    if network:
        rows = network_gaps(frame, query)
        emit(rows, fmt, title="Network gaps", columns=None if fmt != "table" else [
            "principal", "principal_in", "associate", "link", "leader_regime",
            "leader_listed", "missing"])  # fmt: skip
        return
    rows = gaps(frame, query)
    if fmt != "json":
        rows = _short(_short(flat_rows(rows), fmt, "reason"), fmt, "possible_match")
    emit(rows, fmt, title=f"Gaps ({query.flt.describe()})",
         columns=None if fmt != "table" else [
             "name", "country", "regime", "listed", "missing", "kind", "other_designations",
             "possible_match", "reason"])  # fmt: skip
    _unstated_note(rows, query.flt)
    if fmt == "table" and not exclude_possible:
        flagged = sum(1 for r in rows if r["possible_match"])
        click.echo(f"{flagged} of {len(rows)} rows have a possible match on the missing list "
                   "(scored, not merged): check before publishing; --exclude-possible "
                   "gives the strict list.")  # fmt: skip


@cli.command("lags")
@click.option("--leader", required=True, help="The jurisdiction that designated first.")
@click.option("--follower", required=True, help="The jurisdiction that followed.")
@filters
@format_option
@click.pass_context
@handle_errors
def lags_cmd(ctx: click.Context, leader: str, follower: str, grounds: str, unstated: str,
             regimes: str, as_of: date | None, fmt: str) -> None:  # fmt: skip
    """Days between designations for targets both sanction: summary and cases."""
    found = lags(
        load_frame(get_store(ctx)), leader, follower, Filter(grounds, regimes, unstated), as_of
    )
    if fmt == "json":
        emit_json({"summary": found.summary, "cases": found.cases})
        return
    if fmt == "table":
        emit([found.summary], fmt, title="Lag in days (ranges where dates are intervals)")
    emit(found.cases, fmt, title="Cases", columns=None if fmt != "table" else [
        "name", "country", "leader_regime", "leader_listed", "follower_regime",
        "follower_listed", "lag"])  # fmt: skip


@cli.command("alignment")
@filters
@format_option
@click.pass_context
@handle_errors
def alignment_cmd(
    ctx: click.Context, grounds: str, unstated: str, regimes: str, as_of: date | None, fmt: str
) -> None:
    """Pairwise overlap of jurisdictions (count, Jaccard), by ground and year."""
    emit(alignment(load_frame(get_store(ctx)), Filter(grounds, regimes, unstated), as_of), fmt,
         title="Alignment")  # fmt: skip


@cli.command("timeline")
@filters
@format_option
@click.pass_context
@handle_errors
def timeline_cmd(
    ctx: click.Context, grounds: str, unstated: str, regimes: str, as_of: date | None, fmt: str
) -> None:
    """New designations per jurisdiction per quarter, Magnitsky-class and all."""
    rows = timeline(load_frame(get_store(ctx)), Filter(grounds, regimes, unstated), as_of)
    cols = ["quarter", "jurisdiction", "designations", "magnitsky", "all", "interval"]
    emit(rows, fmt, title="Designations per quarter", columns=cols if fmt == "table" else None)


@cli.command("report")
@click.option("--out", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The HTML file to write.")  # fmt: skip
@click.option("--xlsx", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the tables as a workbook.")  # fmt: skip
@click.option("--pdf", type=click.Path(path_type=Path, dir_okay=False),
              help="Also print the report to PDF (A4) with headless Chromium "
                   "(CONCORD_CHROMIUM or chromium on PATH).")  # fmt: skip
@filters
@click.pass_context
@handle_errors
def report_cmd(ctx: click.Context, out: Path, xlsx: Path | None, pdf: Path | None,
               grounds: str, unstated: str, regimes: str, as_of: date | None) -> None:  # fmt: skip
    """Write the coordination report (one self-contained HTML file) and print its headline."""
    # Imported here: matplotlib costs every other command a third of a second to start.
    from concord.report.build import write_report

    flt = Filter(grounds, regimes, unstated)
    figures = write_report(get_store(ctx), out, xlsx, flt, as_of, pdf)
    for line in headline_lines(figures):
        click.echo(line)
    extra = [str(p) for p in (xlsx, pdf) if p is not None]
    click.echo(f"report written to {out}" + (f" and {' and '.join(extra)}" if extra else ""))
