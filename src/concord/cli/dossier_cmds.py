"""Dossier and key commands: `concord dossier ...`, `concord keys ...` (docs/dossiers.md)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click

from concord.cli.main import cli, get_store, handle_errors, parse_day
from concord.cli.output import emit, emit_json, format_option
from concord.dossier import marks, records
from concord.dossier.keys import KeyRing
from concord.dossier.package import CONFIDENTIAL_MODES, ExportOptions, export_package
from concord.dossier.summary import render
from concord.dossier.unpack import import_package as import_dossier
from concord.errors import BadInput
from concord.resolve.judgements import author
from concord.web.dossier_views import summary_pdf

by_option = click.option(
    "--by", help="Who does it, for the audit log (default: CONCORD_USER or the login name)."
)
keys_option = click.option(
    "--keys",
    "keys_dir",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="CONCORD_KEYS",
    help="Keys folder (default: CONCORD_KEYS, else ~/.local/share/concord/keys).",
)


def _ring(keys_dir: Path | None) -> KeyRing:
    return KeyRing(keys_dir)


@cli.group("dossier")
def dossier_group() -> None:
    """Designation dossiers: proposals with evidence, shared as signed packages."""


def _criterion(text: str) -> tuple[str, str]:
    regime, sep, criterion = text.partition("=")
    if not sep:
        raise BadInput(f"--criterion {text!r}: write REGIME=criterion, e.g. GB-HR='...'")
    return regime.strip(), criterion.strip()


def _entity(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BadInput(f"{path}: not an FtM entity in JSON ({exc})") from None
    if not isinstance(data, dict):
        raise BadInput(f"{path}: not an FtM entity in JSON")
    return data


@dossier_group.command("create")
@click.option("--target", help="The target: a target id, an entry key or a name.")
@click.option(
    "--entity",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Or a person listed nowhere yet: an FtM entity as JSON.",
)
@click.option("--propose", required=True, help="Jurisdictions proposed, e.g. UK,CA.")
@click.option("--title", help="A title (default: the target's name).")
@click.option("--conduct", default="", help="The conduct the proposal is about.")
@click.option("--conduct-from", callback=parse_day, help="When the conduct began.")
@click.option("--conduct-until", callback=parse_day, help="When it ended.")
@click.option(
    "--criterion",
    "criteria",
    multiple=True,
    help="REGIME=the criterion it meets (repeatable), e.g. GB-HR='...'.",
)
@click.option("--exculpatory", multiple=True, help="Exculpatory information (repeatable).")
@click.option("--share", multiple=True, help="A user who may read it (repeatable).")
@by_option
@click.pass_context
@handle_errors
def create_cmd(
    ctx: click.Context,
    target: str | None,
    entity: Path | None,
    propose: str,
    title: str | None,
    conduct: str,
    conduct_from: date | None,
    conduct_until: date | None,
    criteria: tuple[str, ...],
    exculpatory: tuple[str, ...],
    share: tuple[str, ...],
    by: str | None,
) -> None:
    """Start a dossier about one target, proposed to some jurisdictions."""
    spec = records.DossierSpec(
        proposed=marks.proposed(propose),
        target=target,
        entity=_entity(entity),
        title=title,
        conduct=conduct,
        conduct_from=conduct_from,
        conduct_until=conduct_until,
        criteria=[_criterion(c) for c in criteria],
        exculpatory=list(exculpatory),
        shared_with=list(share),
    )
    dossier_id = records.create(get_store(ctx), spec, by or author())
    click.echo(dossier_id)


@dossier_group.command("add-evidence")
@click.argument("dossier_id")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True, dir_okay=False)
)
@click.option("--source", required=True, help="Where the file comes from.")
@click.option("--date", "day", callback=parse_day, help="The date of the evidence.")
@click.option(
    "--reliability",
    default="F6",
    show_default=True,
    help="Admiralty grade: source A-F, information 1-6 (e.g. B2).",
)
@click.option("--confidential", is_flag=True, help="Mark it confidential (not sent as is).")
@click.option("--description", help="What it shows.")
@by_option
@format_option
@click.pass_context
@handle_errors
def add_evidence_cmd(
    ctx: click.Context,
    dossier_id: str,
    files: tuple[Path, ...],
    source: str,
    day: date | None,
    reliability: str,
    confidential: bool,
    description: str | None,
    by: str | None,
    fmt: str,
) -> None:
    """Attach evidence files (each kept once, by its SHA-256)."""
    mark = records.EvidenceMarks(
        source=source,
        reliability=reliability,
        date=day,
        confidentiality="confidential" if confidential else "public",
        description=description,
    )
    store = get_store(ctx)
    added = [
        records.add_evidence(store, dossier_id, path.name, path.read_bytes(), mark, by or author())
        for path in files
    ]
    emit(
        added,
        fmt,
        title="Evidence added",
        columns=["name", "sha256", "size", "reliability", "confidentiality"],
    )


@dossier_group.command("status")
@click.argument("dossier_id")
@click.argument("jurisdiction", required=False)
@click.argument("status", required=False)
@click.option("--on", "day", callback=parse_day, help="The day it began (default: today).")
@click.option("--note", help="E.g. the reference of the submission.")
@by_option
@format_option
@click.pass_context
@handle_errors
def status_cmd(
    ctx: click.Context,
    dossier_id: str,
    jurisdiction: str | None,
    status: str | None,
    day: date | None,
    note: str | None,
    by: str | None,
    fmt: str,
) -> None:
    """Show the status per jurisdiction, or record one: `status ID UK submitted`."""
    store = get_store(ctx)
    if jurisdiction is not None:
        if status is None:
            raise BadInput("give the status too, e.g. `concord dossier status ID UK submitted`")
        records.set_status(store, dossier_id, jurisdiction, status, by or author(), day, note)
    found = records.load(store, dossier_id)
    emit(
        found["statuses"],
        fmt,
        title=f"Dossier {dossier_id}",
        columns=["jurisdiction", "status", "on", "basis", "note"],
    )


@dossier_group.command("show")
@click.argument("dossier_id")
@click.option("--html", is_flag=True, help="The HTML summary a package carries.")
@format_option
@click.pass_context
@handle_errors
def show_cmd(ctx: click.Context, dossier_id: str, html: bool, fmt: str) -> None:
    """A dossier: target, proposal, criteria, designations, evidence."""
    found = records.load(get_store(ctx), dossier_id)
    if html:
        click.echo(render(found))
        return
    if fmt == "json":
        emit_json(found)
        return
    click.echo(f"{found['id']}  {found['title']}  (target {found['target_id'] or '-'})")
    emit(found["statuses"], fmt, title="Status", columns=["jurisdiction", "status", "on", "note"])
    emit(found["criteria"], fmt, title="Criteria", columns=["regime", "jurisdiction", "text"])
    shown = found["designations_live"] or found["designations_in_package"] or []
    emit(
        shown,
        fmt,
        title="Existing designations",
        columns=["jurisdiction", "regime", "entry_key", "listed_text", "in_force", "reasons"],
    )
    emit(
        found["evidence"],
        fmt,
        title="Evidence",
        columns=["name", "sha256", "source", "date", "reliability", "confidentiality", "held"],
    )


@dossier_group.command("list")
@click.option("--reader", help="Only the dossiers this user made or may read.")
@format_option
@click.pass_context
@handle_errors
def list_cmd(ctx: click.Context, reader: str | None, fmt: str) -> None:
    """Every dossier, newest first."""
    emit(records.listing(get_store(ctx), reader), fmt, title="Dossiers")


@dossier_group.command("share")
@click.argument("dossier_id")
@click.argument("users", nargs=-1, required=True)
@by_option
@click.pass_context
@handle_errors
def share_cmd(ctx: click.Context, dossier_id: str, users: tuple[str, ...], by: str | None) -> None:
    """Let users (readers) see a dossier."""
    everyone = records.share(get_store(ctx), dossier_id, list(users), by or author())
    click.echo(f"{dossier_id} is shared with {', '.join(everyone)}")


def _only_key(ring: KeyRing) -> str:
    mine = [k["name"] for k in ring.listing() if k["private"]]
    if len(mine) != 1:
        raise BadInput("say which key signs (--sign-with NAME; see `concord keys list`)")
    return str(mine[0])


@dossier_group.command("export")
@click.argument("dossier_id")
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The package zip to write.",
)
@click.option("--sign-with", help="Our key that signs (default: our only key).")
@click.option(
    "--confidential",
    type=click.Choice(CONFIDENTIAL_MODES),
    default="omit",
    show_default=True,
    help="What becomes of confidential evidence.",
)
@click.option("--recipient", help="With --confidential encrypt: whose public key.")
@keys_option
@by_option
@click.pass_context
@handle_errors
def export_cmd(
    ctx: click.Context,
    dossier_id: str,
    out: Path,
    sign_with: str | None,
    confidential: str,
    recipient: str | None,
    keys_dir: Path | None,
    by: str | None,
) -> None:
    """Write a signed package: manifest, evidence files, HTML summary (and PDF summary
    when Chromium is installed)."""
    ring = _ring(keys_dir)
    options = ExportOptions(sign_with or _only_key(ring), confidential, recipient, summary_pdf)
    done = export_package(get_store(ctx), dossier_id, out, ring, options, by or author())
    click.echo(
        f"exported  {dossier_id} -> {out} (signed by {done['signer']} {done['key_id']}; "
        f"{done['plain']} files, {done['encrypted']} encrypted, "
        f"{done['omitted']} left out)"
    )
    if not done["summary_pdf"]:
        click.echo(f"no PDF summary (HTML only): {done['summary_pdf_absent']}")


@dossier_group.command("import")
@click.argument("package", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@keys_option
@by_option
@click.pass_context
@handle_errors
def import_cmd(ctx: click.Context, package: Path, keys_dir: Path | None, by: str | None) -> None:
    """Verify a package (signature, every hash, the zip itself), then store its dossier."""
    done = import_dossier(get_store(ctx), package, _ring(keys_dir), by or author())
    click.echo(
        f"imported  {done['dossier']} from {package} (signed by "
        f"{done['signer']['name']} {done['signer']['key_id']}; {done['held']} of "
        f"{done['evidence']} evidence files held)"
    )


@cli.group("keys")
def keys_group() -> None:
    """Keys that sign packages and open files encrypted for us."""


@keys_group.command("generate")
@click.argument("name")
@keys_option
@handle_errors
def keys_generate(name: str, keys_dir: Path | None) -> None:
    """Make a key pair NAME (private keys 0600 in the keys folder)."""
    ring = _ring(keys_dir)
    key = ring.generate(name)
    click.echo(f"generated {key.name} {key.key_id} in {ring.folder}")


@keys_group.command("list")
@keys_option
@format_option
@handle_errors
def keys_list(keys_dir: Path | None, fmt: str) -> None:
    """Our keys and the trusted public keys of others."""
    emit(
        _ring(keys_dir).listing(), fmt, title="Keys", columns=["name", "key_id", "private", "file"]
    )


@keys_group.command("export")
@click.argument("name")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file (default: stdout).",
)
@keys_option
@handle_errors
def keys_export(name: str, out: Path | None, keys_dir: Path | None) -> None:
    """The public keys of NAME, to give to the parties who import our packages."""
    text = json.dumps(_ring(keys_dir).public(name).as_dict(), indent=2)
    if out is None:
        click.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")


@keys_group.command("trust")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@keys_option
@handle_errors
def keys_trust(path: Path, keys_dir: Path | None) -> None:
    """Trust another party's public key file (from their `concord keys export`)."""
    key = _ring(keys_dir).trust(path)
    click.echo(f"trusted   {key.name} {key.key_id}")
