"""Dossiers in the store: create, attach evidence, record statuses, read back.

Every write goes through one function here, which writes its audit row in the same
transaction (`store/audit.py`), so no interface can change a dossier unaudited.

Example:
    >>> from concord.store import Store
    >>> store = Store("sqlite://")
    >>> spec = DossierSpec(proposed=["UK"], entity={"id": "p1", "schema": "Person",
    ...                    "properties": {"name": ["Jane Roe"]}}, title="Jane Roe")
    >>> found = load(store, create(store, spec, by="ann"))
    >>> found["statuses"][0]["jurisdiction"], found["statuses"][0]["status"]
    ('UK', 'draft')
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from concord.dossier import marks
from concord.dossier.standing import (
    LISTS_ACTOR,
    designation_dict,
    live_designations,
    statuses,
    unrecorded,
)
from concord.dossier.subject import about
from concord.errors import BadInput, NotFound
from concord.store import Store, audit
from concord.store.dossier_tables import (
    dossier_blobs,
    dossier_evidence,
    dossier_statuses,
    dossiers,
)

MAX_EVIDENCE_BYTES = 50 * 1024 * 1024  # one file; a package holds many


@dataclass
class DossierSpec:
    """What a new dossier says: its target (a Concord target id, entry key or name, or an
    FtM entity for a person listed nowhere yet) and the proposal."""

    proposed: list[str]
    target: str | None = None
    entity: dict[str, Any] | None = None
    title: str | None = None
    conduct: str = ""
    conduct_from: date | None = None
    conduct_until: date | None = None
    # (regime key, the criterion of that regime the conduct meets)
    criteria: list[tuple[str, str]] = field(default_factory=list)
    exculpatory: list[str] = field(default_factory=list)
    shared_with: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EvidenceMarks:
    """Where an evidence file comes from and how far it can be trusted and shared."""

    source: str
    reliability: str = "F6"
    confidentiality: str = "public"
    date: date | None = None
    description: str | None = None


def sha256(data: bytes) -> str:
    """The hex SHA-256 of some bytes: an evidence file's address."""
    return hashlib.sha256(data).hexdigest()


def _caption(subject: dict[str, Any]) -> str:
    names = subject.get("properties", {}).get("name") or [subject.get("id", "")]
    return str(names[0])


def create(store: Store, spec: DossierSpec, by: str) -> str:
    """Store a new dossier (a `draft` in each proposed jurisdiction); returns its id."""
    proposed = marks.proposed(spec.proposed)
    criteria = [marks.criterion(regime, text) for regime, text in spec.criteria]
    if spec.conduct_from and spec.conduct_until and spec.conduct_from > spec.conduct_until:
        raise BadInput("the conduct cannot end before it began")
    found = about(store, spec.target, spec.entity)
    now = audit.now()
    row = {
        "id": f"dx-{secrets.token_hex(8)}",
        "title": (spec.title or _caption(found["subject"])).strip(),
        **found,
        "proposed": proposed,
        "conduct": {
            "text": spec.conduct.strip(),
            "from": spec.conduct_from.isoformat() if spec.conduct_from else None,
            "until": spec.conduct_until.isoformat() if spec.conduct_until else None,
        },
        "criteria": criteria,
        "exculpatory": [{"text": t.strip()} for t in spec.exculpatory if t.strip()],
        "designations": None,
        "shared_with": sorted(set(spec.shared_with)),
        "origin": None,
        "created_at": now,
        "created_by": by,
        "updated_at": now,
    }
    with store.begin() as conn:
        conn.execute(dossiers.insert().values(**row))
        for code in proposed:
            _add_status(conn, row["id"], code, "draft", now.date(), None, by)
        audit.write(conn, by, "dossier.create", row["id"], None, _jsonable(row))
    return str(row["id"])


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in row.items()}


def _add_status(
    conn: Connection, dossier_id: str, code: str, status: str, on: date, note: str | None, by: str
) -> None:
    conn.execute(
        dossier_statuses.insert().values(
            dossier_id=dossier_id,
            jurisdiction=code,
            status=status,
            on=on,
            note=note,
            recorded_by=by,
            recorded_at=audit.now(),
        )
    )


def _row(conn: Connection, dossier_id: str) -> dict[str, Any]:
    row = conn.execute(sa.select(dossiers).where(dossiers.c.id == dossier_id)).first()
    if row is None:
        raise NotFound(f"no dossier {dossier_id!r} (see `concord dossier list`)")
    return dict(row._mapping)


def add_evidence(
    store: Store, dossier_id: str, name: str, content: bytes, mark: EvidenceMarks, by: str
) -> dict[str, Any]:
    """Attach a file to a dossier, stored once by its SHA-256; returns the item."""
    from concord.dossier.files import check_file

    media_type = check_file(name, content, MAX_EVIDENCE_BYTES)
    if not mark.source.strip():
        raise BadInput("say where the evidence comes from (--source)")
    digest = sha256(content)
    item = {
        "dossier_id": dossier_id,
        "sha256": digest,
        "name": name,
        "media_type": media_type,
        "size": len(content),
        "source": mark.source.strip(),
        "date": mark.date,
        "reliability": marks.reliability(mark.reliability),
        "confidentiality": marks.confidentiality(mark.confidentiality),
        "description": mark.description,
        "held": True,
        "added_by": by,
        "added_at": audit.now(),
    }
    with store.begin() as conn:
        _row(conn, dossier_id)
        held = conn.execute(
            sa.select(dossier_evidence.c.sha256).where(
                dossier_evidence.c.dossier_id == dossier_id, dossier_evidence.c.sha256 == digest
            )
        ).first()
        if held is not None:
            raise BadInput(f"{name}: this file ({digest[:12]}) is already in {dossier_id}")
        put_blob(conn, digest, content)
        conn.execute(dossier_evidence.insert().values(**item))
        _touch(conn, dossier_id)
        audit.write(conn, by, "dossier.evidence", dossier_id, None, _jsonable(item))
    return _jsonable(item)


def put_blob(conn: Connection, digest: str, content: bytes) -> None:
    """Keep a file by its hash (once: the same hash is the same bytes)."""
    if sha256(content) != digest:
        raise BadInput(f"content does not match its SHA-256 {digest}")
    held = conn.execute(
        sa.select(dossier_blobs.c.sha256).where(dossier_blobs.c.sha256 == digest)
    ).first()
    if held is None:
        conn.execute(
            dossier_blobs.insert().values(sha256=digest, size=len(content), content=content)
        )


def _touch(conn: Connection, dossier_id: str) -> None:
    conn.execute(
        dossiers.update().where(dossiers.c.id == dossier_id).values(updated_at=audit.now())
    )


def set_status(
    store: Store,
    dossier_id: str,
    jurisdiction: str,
    status: str,
    by: str,
    on: date | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """Record the proposal's status in one jurisdiction (a new row; history is kept)."""
    from concord.model import jurisdictions

    code = jurisdictions.code(jurisdiction)
    found = marks.status(status)
    with store.begin() as conn:
        row = _row(conn, dossier_id)
        if code not in row["proposed"]:
            raise BadInput(f"{dossier_id} proposes {', '.join(row['proposed'])}, not {code}")
        before = _current_statuses(conn, dossier_id).get(code)
        day = on or audit.now().date()
        _add_status(conn, dossier_id, code, found, day, note, by)
        _touch(conn, dossier_id)
        after = {"jurisdiction": code, "status": found, "on": day.isoformat(), "note": note}
        audit.write(conn, by, "dossier.status", dossier_id, before, after)
    return after


def _status_rows(conn: Connection, dossier_id: str) -> list[dict[str, Any]]:
    query = (
        sa.select(dossier_statuses)
        .where(dossier_statuses.c.dossier_id == dossier_id)
        .order_by(dossier_statuses.c.recorded_at, dossier_statuses.c.id)
    )
    return [
        {
            "jurisdiction": r.jurisdiction,
            "status": r.status,
            "on": r.on.isoformat(),
            "note": r.note,
            "recorded_by": r.recorded_by,
            "recorded_at": r.recorded_at.isoformat(timespec="seconds"),
        }
        for r in conn.execute(query)
    ]


def _current_statuses(conn: Connection, dossier_id: str) -> dict[str, dict[str, Any]]:
    return {r["jurisdiction"]: r for r in _status_rows(conn, dossier_id)}


@dataclass
class DossierEdit:
    """What an edit may change: the conduct and its dates, the legal criteria and the
    exculpatory information (each replaces what the dossier held)."""

    conduct: str = ""
    conduct_from: date | None = None
    conduct_until: date | None = None
    criteria: list[tuple[str, str]] = field(default_factory=list)
    exculpatory: list[str] = field(default_factory=list)


def edit(store: Store, dossier_id: str, change: DossierEdit, by: str) -> dict[str, Any]:
    """Change a dossier's conduct, dates, criteria and exculpatory information, audited as
    `dossier.edit` with the fields before and after; returns the fields as they now are."""
    if change.conduct_from and change.conduct_until and change.conduct_from > change.conduct_until:
        raise BadInput("the conduct cannot end before it began")
    after = {
        "conduct": {
            "text": change.conduct.strip(),
            "from": change.conduct_from.isoformat() if change.conduct_from else None,
            "until": change.conduct_until.isoformat() if change.conduct_until else None,
        },
        "criteria": [marks.criterion(regime, text) for regime, text in change.criteria],
        "exculpatory": [{"text": t.strip()} for t in change.exculpatory if t.strip()],
    }
    with store.begin() as conn:
        row = _row(conn, dossier_id)
        before = {k: row[k] for k in after}
        if before == after:
            return after
        conn.execute(
            dossiers.update()
            .where(dossiers.c.id == dossier_id)
            .values(**after, updated_at=audit.now())
        )
        audit.write(conn, by, "dossier.edit", dossier_id, before, after)
    return after


def share(store: Store, dossier_id: str, users: list[str], by: str) -> list[str]:
    """Let more users (readers) see a dossier; returns everyone it is shared with."""
    with store.begin() as conn:
        row = _row(conn, dossier_id)
        after = sorted({*row["shared_with"], *(u.strip() for u in users if u.strip())})
        conn.execute(
            dossiers.update()
            .where(dossiers.c.id == dossier_id)
            .values(shared_with=after, updated_at=audit.now())
        )
        audit.write(
            conn,
            by,
            "dossier.share",
            dossier_id,
            {"shared_with": row["shared_with"]},
            {"shared_with": after},
        )
    return after


def blob(store: Store, digest: str) -> bytes:
    """The bytes of an evidence file by its SHA-256."""
    with store.read() as conn:
        found = conn.execute(
            sa.select(dossier_blobs.c.content).where(dossier_blobs.c.sha256 == digest)
        ).scalar()
    if found is None:
        raise NotFound(f"no evidence file {digest} in the store")
    return bytes(found)


def evidence(store: Store, dossier_id: str) -> list[dict[str, Any]]:
    """A dossier's evidence items, oldest first (without their content)."""
    query = (
        sa.select(dossier_evidence)
        .where(dossier_evidence.c.dossier_id == dossier_id)
        .order_by(dossier_evidence.c.added_at, dossier_evidence.c.sha256)
    )
    with store.read() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
    return [_jsonable({k: v for k, v in r.items() if k != "dossier_id"}) for r in rows]


def load(store: Store, dossier_id: str) -> dict[str, Any]:
    """A dossier with its statuses (history and current), evidence and the designations
    the target has: live from this store's read model, and as a received package had them."""
    with store.read() as conn:
        row = _row(conn, dossier_id)
        history = _status_rows(conn, dossier_id)
    found = [designation_dict(d) for d in live_designations(store, row)]
    if unrecorded(statuses(row, history, found), history):
        history = _record_listed(store, dossier_id, found)
    out = _jsonable(row)
    out.update(
        {
            "designations_live": found,
            "designations_in_package": row["designations"],
            "status_history": history,
            "statuses": statuses(row, history, found),
            "evidence": evidence(store, dossier_id),
        }
    )
    del out["designations"]
    return out


def _record_listed(
    store: Store, dossier_id: str, found: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Record, with its audit row, each `designated` status the lists give and the history
    lacks; checked again inside the transaction, so two readers at once record it once.
    Returns the status history as it then stands."""
    with store.begin() as conn:
        row = _row(conn, dossier_id)
        history = _status_rows(conn, dossier_id)
        current = _current_statuses(conn, dossier_id)
        for shown in unrecorded(statuses(row, history, found), history):
            code = shown["jurisdiction"]
            day = date.fromisoformat(shown["on"]) if shown.get("on") else audit.now().date()
            _add_status(conn, dossier_id, code, "designated", day, shown["note"], LISTS_ACTOR)
            after = {
                "jurisdiction": code,
                "status": "designated",
                "on": day.isoformat(),
                "note": shown["note"],
                "entry_key": shown["entry_key"],
                "basis": "list",
            }
            audit.write(conn, LISTS_ACTOR, "dossier.status", dossier_id, current.get(code), after)
        _touch(conn, dossier_id)
        return _status_rows(conn, dossier_id)


def listing(store: Store, reader: str | None = None) -> list[dict[str, Any]]:
    """Every dossier (newest first), or only those `reader` made or that are shared with
    them."""
    query = sa.select(dossiers).order_by(dossiers.c.updated_at.desc(), dossiers.c.id)
    with store.read() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
    if reader is not None:
        rows = [r for r in rows if may_read(r, reader)]
    return [
        {
            "id": r["id"],
            "title": r["title"],
            "target_id": r["target_id"],
            "proposed": r["proposed"],
            "created_by": r["created_by"],
            "updated_at": r["updated_at"].isoformat(timespec="seconds"),
        }
        for r in rows
    ]


def may_read(row: dict[str, Any], reader: str) -> bool:
    """Whether a reader may see a dossier: they made it or it is shared with them."""
    return bool(row["created_by"] == reader or reader in row["shared_with"])


def check_reader(store: Store, dossier_id: str, reader: str | None) -> None:
    """NotFound unless `reader` may see the dossier (None: anyone may, as on the command
    line or for an admin). An unshared dossier looks absent: its id tells nothing."""
    with store.read() as conn:
        row = _row(conn, dossier_id)
    if reader is not None and not may_read(row, reader):
        raise NotFound(f"no dossier {dossier_id!r} (see `concord dossier list`)")
