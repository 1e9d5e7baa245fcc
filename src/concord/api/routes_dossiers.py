"""Dossiers: analysts create and edit them, attach evidence, record statuses, export and
import signed packages; every signed-in user reads only the dossiers they made or that are
shared with them (an admin reads all). A dossier one may not read answers 404, on every
route, as if it did not exist.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from concord.api.accounts import User
from concord.api.auth import Analyst, StoreDep, reader
from concord.api.pages import is_api, respond
from concord.dossier import marks, records
from concord.dossier.keys import KeyRing
from concord.dossier.package import ExportOptions, export_package
from concord.dossier.summary import render
from concord.dossier.unpack import import_package
from concord.errors import BadInput, NotFound
from concord.store import Store
from concord.web.dossier_views import dossier_page, dossiers_page, signers, summary_pdf

router = APIRouter()
Viewer = Annotated[User, Depends(reader("viewer"))]
MAX_PACKAGE_BYTES = 512 * 1024**2


def _reader(user: User) -> str | None:
    return None if user.can("admin") else user.name


class DossierIn(BaseModel):
    """A new dossier: a target (id, entry key or name) or an FtM entity, and the proposal."""

    proposed: list[str] = Field(examples=[["UK", "CA"]], min_length=1)
    target: str | None = Field(None, examples=["us-ofac:29160"])
    entity: dict[str, Any] | None = None
    title: str | None = Field(None, max_length=500)
    conduct: str = Field("", max_length=20000)
    conduct_from: date | None = None
    conduct_until: date | None = None
    criteria: list[tuple[str, str]] = Field(default_factory=list, examples=[[["GB-HR", "torture"]]])
    exculpatory: list[str] = Field(default_factory=list)
    shared_with: list[str] = Field(default_factory=list)


class StatusIn(BaseModel):
    """A status of the proposal in one jurisdiction."""

    jurisdiction: str = Field(examples=["UK"])
    status: str = Field(examples=["submitted"])
    on: date | None = None
    note: str | None = Field(None, max_length=2000)


class EditIn(BaseModel):
    """A dossier's conduct, dates, criteria and exculpatory information (each replaces
    what it held)."""

    conduct: str = Field("", max_length=20000)
    conduct_from: date | None = None
    conduct_until: date | None = None
    criteria: list[tuple[str, str]] = Field(default_factory=list, examples=[[["GB-HR", "torture"]]])
    exculpatory: list[str] = Field(default_factory=list)


class ShareIn(BaseModel):
    """Users who may read a dossier."""

    users: list[str] = Field(min_length=1, examples=[["vic"]])


@router.get("/api/dossiers", tags=["dossiers"], summary="Dossiers you may read")
@router.get("/dossiers", include_in_schema=False)
def list_dossiers(request: Request, store: StoreDep, user: Viewer) -> Response:
    """The dossiers you made or that are shared with you (an admin: all), newest first."""
    return respond(request, "dossiers.html", dossiers_page(store, _reader(user)))


@router.post(
    "/api/dossiers", tags=["dossiers"], status_code=201, summary="Create a dossier (analyst)"
)
def create_dossier(body: DossierIn, store: StoreDep, user: Analyst) -> dict[str, str]:
    """Start a dossier, a `draft` in each proposed jurisdiction."""
    spec = records.DossierSpec(**body.model_dump())
    return {"id": records.create(store, spec, user.name)}


@router.post("/dossiers", include_in_schema=False)
def create_form(
    store: StoreDep,
    user: Analyst,
    target: Annotated[str, Form(max_length=500)],
    propose: Annotated[str, Form(max_length=100)],
    title: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """The new-dossier form of the dossiers page."""
    spec = records.DossierSpec(
        [p for p in propose.split(",") if p.strip()],
        target=target.strip(),
        title=title.strip() or None,
    )
    dossier_id = records.create(store, spec, user.name)
    return RedirectResponse(f"/dossiers/{dossier_id}", status_code=303)


@router.get("/api/dossiers/{dossier_id}", tags=["dossiers"], summary="One dossier")
@router.get("/dossiers/{dossier_id}", include_in_schema=False)
def get_dossier(request: Request, store: StoreDep, user: Viewer, dossier_id: str) -> Response:
    """A dossier: target, proposal and statuses, criteria, designations, evidence."""
    data = {**dossier_page(store, dossier_id, _reader(user)), "signers": signers()}
    return respond(request, "dossier.html", data, html_only=("signers",))


def _writable(store: Store, dossier_id: str, user: User) -> None:
    records.check_reader(store, dossier_id, _reader(user))


@router.post(
    "/api/dossiers/{dossier_id}/status", tags=["dossiers"], summary="Record a status (analyst)"
)
def post_status(dossier_id: str, body: StatusIn, store: StoreDep, user: Analyst) -> dict[str, Any]:
    """Record the proposal's status in one jurisdiction (the history is kept)."""
    _writable(store, dossier_id, user)
    return records.set_status(
        store, dossier_id, body.jurisdiction, body.status, user.name, body.on, body.note
    )


@router.post("/dossiers/{dossier_id}/status", include_in_schema=False)
def status_form(
    dossier_id: str,
    store: StoreDep,
    user: Analyst,
    jurisdiction: Annotated[str, Form(max_length=8)],
    status: Annotated[str, Form(max_length=40)],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """The status form of a dossier page."""
    _writable(store, dossier_id, user)
    records.set_status(store, dossier_id, jurisdiction, status, user.name, None, note or None)
    return RedirectResponse(f"/dossiers/{dossier_id}", status_code=303)


@router.post(
    "/api/dossiers/{dossier_id}/edit", tags=["dossiers"], summary="Edit a dossier (analyst)"
)
def post_edit(dossier_id: str, body: EditIn, store: StoreDep, user: Analyst) -> dict[str, Any]:
    """Change the conduct, its dates, the criteria and the exculpatory information."""
    _writable(store, dossier_id, user)
    return records.edit(store, dossier_id, records.DossierEdit(**body.model_dump()), user.name)


@router.post("/dossiers/{dossier_id}/edit", include_in_schema=False)
def edit_form(
    dossier_id: str,
    store: StoreDep,
    user: Analyst,
    conduct: Annotated[str, Form(max_length=20000)] = "",
    conduct_from: Annotated[date | None, Form()] = None,
    conduct_until: Annotated[date | None, Form()] = None,
    criteria: Annotated[str, Form(max_length=20000)] = "",
    exculpatory: Annotated[str, Form(max_length=20000)] = "",
) -> Response:
    """The edit form of a dossier page: criteria one `REGIME=criterion` a line, exculpatory
    information one item a line."""
    _writable(store, dossier_id, user)
    change = records.DossierEdit(
        conduct,
        conduct_from,
        conduct_until,
        marks.criterion_lines(criteria),
        [line for line in exculpatory.splitlines() if line.strip()],
    )
    records.edit(store, dossier_id, change, user.name)
    return RedirectResponse(f"/dossiers/{dossier_id}", status_code=303)


@router.post(
    "/api/dossiers/{dossier_id}/share", tags=["dossiers"], summary="Share with readers (analyst)"
)
def post_share(dossier_id: str, body: ShareIn, store: StoreDep, user: Analyst) -> dict[str, Any]:
    """Let more users read a dossier."""
    _writable(store, dossier_id, user)
    return {"shared_with": records.share(store, dossier_id, body.users, user.name)}


async def _upload(file: UploadFile, limit: int) -> bytes:
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise BadInput(f"{file.filename}: larger than {limit} bytes")
    return data


@router.post(
    "/api/dossiers/{dossier_id}/evidence",
    tags=["dossiers"],
    status_code=201,
    summary="Attach an evidence file (analyst)",
)
@router.post("/dossiers/{dossier_id}/evidence", include_in_schema=False)
async def post_evidence(
    request: Request,
    dossier_id: str,
    store: StoreDep,
    user: Analyst,
    file: Annotated[UploadFile, File()],
    source: Annotated[str, Form(max_length=500)],
    reliability: Annotated[str, Form(max_length=2)] = "F6",
    confidentiality: Annotated[str, Form(max_length=16)] = "public",
    day: Annotated[date | None, Form(alias="date")] = None,
    description: Annotated[str, Form(max_length=2000)] = "",
) -> Any:
    """Upload a file (size- and type-checked: `docs/dossiers.md`), kept by its SHA-256."""
    _writable(store, dossier_id, user)
    content = await _upload(file, records.MAX_EVIDENCE_BYTES)
    mark = records.EvidenceMarks(source, reliability, confidentiality, day, description or None)
    item = records.add_evidence(store, dossier_id, file.filename or "", content, mark, user.name)
    if not is_api(request):
        return RedirectResponse(f"/dossiers/{dossier_id}", status_code=303)
    return item


@router.get(
    "/api/dossiers/{dossier_id}/evidence/{sha256}",
    tags=["dossiers"],
    summary="Download an evidence file",
)
def get_evidence(dossier_id: str, sha256: str, store: StoreDep, user: Viewer) -> Response:
    """An evidence file of a dossier you may read, as an attachment."""
    records.check_reader(store, dossier_id, _reader(user))
    item = next(
        (e for e in records.evidence(store, dossier_id) if e["sha256"] == sha256 and e["held"]),
        None,
    )
    if item is None:
        raise NotFound(f"no evidence file {sha256} held for {dossier_id}")
    return Response(
        records.blob(store, sha256),
        media_type=item["media_type"],
        headers={
            "content-disposition": f'attachment; filename="{sha256}"',
            "x-content-type-options": "nosniff",
        },
    )


@router.get(
    "/api/dossiers/{dossier_id}/summary",
    tags=["dossiers"],
    summary="The HTML summary",
    response_class=HTMLResponse,
)
def get_summary(dossier_id: str, store: StoreDep, user: Viewer) -> Response:
    """The dossier as the one-page HTML summary its package carries."""
    records.check_reader(store, dossier_id, _reader(user))
    return HTMLResponse(render(records.load(store, dossier_id)))


def _package(store: Store, dossier_id: str, user: User, options: ExportOptions) -> Response:
    """The signed package zip of a dossier as a download."""
    _writable(store, dossier_id, user)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"{dossier_id}.zip"
        export_package(store, dossier_id, out, KeyRing(), options, user.name)
        data = out.read_bytes()
    return Response(
        data,
        media_type="application/zip",
        headers={"content-disposition": f'attachment; filename="{dossier_id}.zip"'},
    )


@router.post(
    "/api/dossiers/{dossier_id}/export",
    tags=["dossiers"],
    summary="Export a signed package (analyst)",
)
def post_export(
    dossier_id: str,
    store: StoreDep,
    user: Analyst,
    signer: str,
    confidential: str = "omit",
    recipient: str | None = None,
) -> Response:
    """A package zip signed with the server's key `signer` (its keys folder:
    `CONCORD_KEYS`), with the summary as PDF too when the server has Chromium."""
    options = ExportOptions(signer, confidential, recipient, summary_pdf)
    return _package(store, dossier_id, user, options)


@router.post("/dossiers/{dossier_id}/export", include_in_schema=False)
def export_form(
    dossier_id: str,
    store: StoreDep,
    user: Analyst,
    signer: Annotated[str, Form(max_length=100)],
    confidential: Annotated[str, Form(max_length=16)] = "omit",
    recipient: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """The export form of a dossier page: the signed zip as a download."""
    options = ExportOptions(signer, confidential, recipient.strip() or None, summary_pdf)
    return _package(store, dossier_id, user, options)


async def _import(store: Store, user: User, file: UploadFile) -> dict[str, Any]:
    """Verify an uploaded package and store its dossier, shared with the importer."""
    data = await _upload(file, MAX_PACKAGE_BYTES)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "package.zip"
        path.write_bytes(data)
        done = import_package(store, path, KeyRing(), user.name)
    records.share(store, done["dossier"], [user.name], user.name)
    return done


@router.post(
    "/api/dossiers/import",
    tags=["dossiers"],
    status_code=201,
    summary="Import a signed package (analyst)",
)
async def post_import(
    store: StoreDep, user: Analyst, file: Annotated[UploadFile, File()]
) -> dict[str, Any]:
    """Verify a package (the zip, the signature against the server's trusted keys, every
    hash) and store its dossier, shared with nobody but the importer."""
    return await _import(store, user, file)


@router.post("/dossiers/import", include_in_schema=False)
async def import_form(
    store: StoreDep, user: Analyst, file: Annotated[UploadFile, File()]
) -> Response:
    """The import form of the dossiers page; a refused package answers with its one-line
    reason (the error page) and stores nothing."""
    done = await _import(store, user, file)
    return RedirectResponse(f"/dossiers/{done['dossier']}", status_code=303)
