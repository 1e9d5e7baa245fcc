"""Commands of issue 13, part B: `concord fetch` and `concord alerts add|list|remove|run`.

Each is a thin wrapper over `concord.fetch` or `concord.alerts`.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click

from concord.alerts import Delivery, NewRule, RuleFilters, add_rule, list_rules, remove_rule
from concord.alerts import run_rules as run_alert_rules
from concord.cli.main import (
    DEFAULT_MIRROR,
    _report,
    _resolved,
    cli,
    get_store,
    handle_errors,
    parse_day,
)
from concord.cli.output import emit, format_option
from concord.model import jurisdictions
from concord.resolve.run import resolve
from concord.store import Store


def _delivery(attempts: int, backoff: float) -> Delivery:
    return Delivery(attempts=attempts, backoff=backoff)


def _run_alerts(store: Store, names: tuple[str, ...], how: Delivery, fmt: str) -> int:
    done = run_alert_rules(store, names, how)
    emit([d.as_dict() for d in done], fmt, title="Alert rules run")
    return sum(d.pending for d in done)


backoff_option = click.option(
    "--backoff", type=float, envvar="CONCORD_ALERTS_BACKOFF", default=2.0, show_default=True,
    help="Seconds before the first webhook retry, doubled each retry.",
)  # fmt: skip
attempts_option = click.option(
    "--attempts", type=int, default=5, show_default=True, help="Webhook tries per alert."
)


@cli.command("fetch")
@click.option("--source", "only", multiple=True, help="Only this source (repeatable).")
@click.option("--mirror", type=click.Path(path_type=Path, file_okay=False),
              help="Mirror folder to fetch into (default CONCORD_MIRROR).")  # fmt: skip
@click.option("--base-url", envvar="CONCORD_FETCH_BASE_URL",
              help="Fetch the official paths from this server (e.g. a local one).")  # fmt: skip
@click.option("--no-ingest", is_flag=True, help="Only download; ingest nothing.")
@click.option("--no-alerts", is_flag=True, help="Do not run the alert rules afterwards.")
@attempts_option
@backoff_option
@click.pass_context
@handle_errors
def fetch_cmd(ctx: click.Context, only: tuple[str, ...], mirror: Path | None,
              base_url: str | None, no_ingest: bool, no_alerts: bool, attempts: int,
              backoff: float) -> None:  # fmt: skip
    """Download the current official files into the mirror (dated folders), then ingest,
    resolve and run the alert rules.

    A source whose files did not change (ETag, Last-Modified or sha256) is skipped; a
    download the parser refuses (empty, truncated) does not land and the previous snapshot
    stays. Exit code 2 when a download was refused, 5 when a server did not answer.
    """
    from concord.fetch import FetchOptions, fetch, ingest_fetched

    folder = mirror or Path(os.environ.get("CONCORD_MIRROR", DEFAULT_MIRROR))
    opts = FetchOptions(folder, base_url)
    done = fetch(opts, only)
    for f in done:
        shown = f"{f.folder} ({f.message})" if f.status == "new" else f.message
        click.echo(
            f"{f.status:<11} {f.source}: {shown}", err=f.status in ("refused", "unavailable")
        )
    refused = any(f.status == "refused" for f in done)
    if not no_ingest and any(f.status == "new" for f in done):
        store = get_store(ctx)
        report = ingest_fetched(store, opts, done)
        _report(report)
        refused = refused or bool(report.refused)
        if report.count("added"):
            _resolved(resolve(store))
        if not no_alerts:
            _run_alerts(store, (), _delivery(attempts, backoff), "table")
    if refused:
        sys.exit(2)
    if any(f.status == "unavailable" for f in done):
        sys.exit(5)


@cli.group("alerts")
def alerts_group() -> None:
    """Alert rules: add, list, remove, run (delivered by webhook and to an outbox file)."""


@alerts_group.command("add")
@click.argument("name")
@click.option("--kind", type=click.Choice(["new-designation", "screened-customer"]),
              default="new-designation", show_default=True)  # fmt: skip
@click.option("--jurisdiction", help="Only designations by this jurisdiction (e.g. US).")
@click.option("--magnitsky", is_flag=True, help="Only Magnitsky-class designations.")
@click.option("--regime", multiple=True, help="Only designations under this regime key.")
@click.option("--missing", help="Only targets one of these has not designated (e.g. UK,CA).")
@click.option("--webhook", help="POST each alert (JSON, HMAC-signed) to this URL.")
@click.option("--secret", help="The webhook's HMAC key (default: a new random one, shown once).")
@click.option("--outbox", type=click.Path(path_type=Path, dir_okay=False),
              help="Append each alert as a JSON line to this file.")  # fmt: skip
@click.option("--customers", type=click.Path(path_type=Path, dir_okay=False),
              help="screened-customer: customers file to re-screen (CSV, JSONL).")  # fmt: skip
@click.option("--since", callback=parse_day,
              help="Report changes after this day (default: from now on).")  # fmt: skip
@click.pass_context
@handle_errors
def alerts_add(ctx: click.Context, name: str, kind: str, jurisdiction: str | None,
               magnitsky: bool, regime: tuple[str, ...], missing: str | None,
               webhook: str | None, secret: str | None, outbox: Path | None,
               customers: Path | None, since: date | None) -> None:  # fmt: skip
    """Add an alert rule NAME."""
    filters = RuleFilters.make(jurisdiction, magnitsky, regime,
                               tuple(jurisdictions.codes(missing)) if missing else ())  # fmt: skip
    rule = add_rule(get_store(ctx), NewRule(name, kind, filters, webhook, secret, outbox,
                                            customers, since))  # fmt: skip
    click.echo(f"alert rule {rule.name} added ({rule.kind})")
    if webhook and not secret:
        click.echo(f"webhook secret (shown once): {rule.secret}")


@alerts_group.command("list")
@format_option
@click.pass_context
@handle_errors
def alerts_list(ctx: click.Context, fmt: str) -> None:
    """Every alert rule."""
    emit([r.as_dict() for r in list_rules(get_store(ctx))], fmt, title="Alert rules")


@alerts_group.command("remove")
@click.argument("name")
@click.pass_context
@handle_errors
def alerts_remove(ctx: click.Context, name: str) -> None:
    """Remove the alert rule NAME (the alerts it sent stay logged)."""
    remove_rule(get_store(ctx), name)
    click.echo(f"alert rule {name} removed")


@alerts_group.command("run")
@click.argument("names", nargs=-1)
@attempts_option
@backoff_option
@format_option
@click.pass_context
@handle_errors
def alerts_run(ctx: click.Context, names: tuple[str, ...], attempts: int, backoff: float,
               fmt: str) -> None:  # fmt: skip
    """Run the alert rules NAMES (default: all) on what changed since each one's last run.

    Exit code 0 when every alert was delivered, 5 when some stay pending (a webhook that
    did not take them: the next run tries again).
    """
    if _run_alerts(get_store(ctx), names, _delivery(attempts, backoff), fmt):
        sys.exit(5)
