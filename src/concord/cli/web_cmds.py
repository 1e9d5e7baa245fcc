"""Commands of the web application: `concord serve` and `concord user ...` (accounts)."""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

import click

from concord.api import accounts
from concord.cli.main import cli, get_store, handle_errors
from concord.cli.output import emit, format_option
from concord.errors import BadInput
from concord.resolve.judgements import author


def _actor() -> str:
    # Account changes from the command line are audited under the operator's login name.
    return f"cli:{author()}"


def proxy_options() -> dict[str, Any]:
    """uvicorn's proxy settings: X-Forwarded-For / -Proto believed only from the proxies
    CONCORD_TRUSTED_PROXIES names (none by default). uvicorn's own default trusts any
    loopback client, which let a local client pick its address and dodge the sign-in
    throttle."""
    trusted = os.environ.get("CONCORD_TRUSTED_PROXIES", "").strip()
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": trusted or None}


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--alerts-every", type=float, metavar="MINUTES",
              help="Also run the alert rules now and every MINUTES.")  # fmt: skip
@click.pass_context
@handle_errors
def serve(ctx: click.Context, host: str, port: int, alerts_every: float | None) -> None:
    """Start the web application and HTTP API (pages at /, API and its docs at /api/docs)."""
    import uvicorn

    from concord.api.app import create_app, prepare_store
    from concord.web.analysis_views import warm

    store = get_store(ctx)
    prepare_store(store)
    app = create_app(store)
    # The analysis frame and the screening index take ~10-30 s to build on a full store;
    # built in the background, the server answers at once and later pages are fast.
    threading.Thread(target=warm, args=(store,), name="concord-warm", daemon=True).start()
    if alerts_every is not None:
        from concord.alerts import start_periodic

        start_periodic(store, alerts_every)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"Concord is at http://{shown}:{port}/ (API docs at /api/docs); Ctrl-C stops it")
    uvicorn.run(app, host=host, port=port, log_level="info", **proxy_options())


@cli.group("user")
def user_group() -> None:
    """Accounts of the web application: add, remove, role, token, list."""


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise BadInput("--password-stdin: no password on standard input")
        return line
    value: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


@user_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(accounts.ROLES), required=True, help="The role.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_context
@handle_errors
def user_add(ctx: click.Context, name: str, role: str, password_stdin: bool) -> None:
    """Create an account NAME with a role (viewer, analyst, admin); asks for a password."""
    user = accounts.add_user(get_store(ctx), name, role, _password(password_stdin), _actor())
    click.echo(f"user {user.name} added ({user.role})")


@user_group.command("remove")
@click.argument("name")
@click.pass_context
@handle_errors
def user_remove(ctx: click.Context, name: str) -> None:
    """Delete the account NAME and its API tokens."""
    accounts.remove_user(get_store(ctx), name, _actor())
    click.echo(f"user {name} removed")


@user_group.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(accounts.ROLES))
@click.pass_context
@handle_errors
def user_role(ctx: click.Context, name: str, role: str) -> None:
    """Give the account NAME another ROLE."""
    user = accounts.set_role(get_store(ctx), name, role, _actor())
    click.echo(f"user {user.name} is now {user.role}")


@user_group.command("token")
@click.argument("name")
@click.pass_context
@handle_errors
def user_token(ctx: click.Context, name: str) -> None:
    """Make a new API token for NAME and print it (once: only its hash is kept)."""
    click.echo(accounts.new_token(get_store(ctx), name, _actor()))


@user_group.command("list")
@format_option
@click.pass_context
@handle_errors
def user_list(ctx: click.Context, fmt: str) -> None:
    """Every account with its role and number of API tokens."""
    emit(accounts.list_users(get_store(ctx)), fmt, title="Users")
