"""Helpers of the dossier tests: finding real targets through the store's read model,
making a dossier with evidence, and rewriting packages by hand (for hostile packages)."""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from pathlib import Path

import sqlalchemy as sa

from concord.dossier import records
from concord.store import Store
from concord.store.designations import Designation, designation_set
from concord.store.dossier_tables import dossier_blobs, dossier_evidence, dossier_statuses, dossiers
from concord.store.tables import audit_log

# Three evidence files as an NGO attaches them; their content is made up for the test.
FILES = {
    "interview.txt": b"Statement of a former detainee, recorded 2023-05-02.\n",
    "report.pdf": b"%PDF-1.4\n% a one-line stand-in for a report\n",
    "ledger.json": b'{"payments": [{"to": "front company", "usd": 250000}]}\n',
}


def by_target(store: Store) -> dict[str, list[Designation]]:
    """Every designation of the store by target id."""
    out: dict[str, list[Designation]] = defaultdict(list)
    for d in designation_set(store).all:
        if d.target_id is not None:
            out[d.target_id].append(d)
    return out


def glomag_not_uk(store: Store) -> tuple[str, list[Designation]]:
    """A target under US-GLOMAG now with no UK designation at all (the first by id)."""
    found = sorted(
        (tid, ds)
        for tid, ds in by_target(store).items()
        if any(d.regime == "US-GLOMAG" and d.in_force() for d in ds)
        and not any(d.jurisdiction == "UK" for d in ds)
    )
    assert found, "the store holds no US GLOMAG designee missing from the UK list"
    return found[0]


def uk_with_reasons(store: Store) -> tuple[str, list[Designation]]:
    """A target under US-GLOMAG and GB-HR now, whose UK entry states its reasons."""
    found = sorted(
        (tid, ds)
        for tid, ds in by_target(store).items()
        if any(d.regime == "US-GLOMAG" and d.in_force() for d in ds)
        and any(d.regime == "GB-HR" and d.in_force() and d.reasons for d in ds)
    )
    assert found, "the store holds no US GLOMAG designee with UK reasons"
    return found[0]


def make_dossier(store: Store, target: str, by: str = "ann") -> str:
    """A dossier proposing the UK and Canada, with criteria and three files (one of them
    confidential)."""
    spec = records.DossierSpec(
        proposed=["UK", "CA"],
        target=target,
        conduct="Ordered the detention of journalists.",
        criteria=[
            ("GB-HR", "Serious violation of the right to liberty"),
            ("CA-JVCFOA", "Gross violation of internationally recognized rights"),
        ],
        exculpatory=["The subject denies giving the orders."],
    )
    dossier_id = records.create(store, spec, by)
    for name, content in FILES.items():
        mark = records.EvidenceMarks(
            source="NGO field team",
            reliability="B2",
            confidentiality="confidential" if name == "ledger.json" else "public",
        )
        records.add_evidence(store, dossier_id, name, content, mark, by)
    return dossier_id


def counts(store: Store) -> dict[str, int]:
    """Rows of every dossier table, and audit rows of imports."""
    with store.read() as conn:
        out = {
            t.name: int(conn.scalar(sa.select(sa.func.count()).select_from(t)) or 0)
            for t in (dossiers, dossier_statuses, dossier_evidence, dossier_blobs)
        }
        out["imports audited"] = int(
            conn.scalar(
                sa.select(sa.func.count())
                .select_from(audit_log)
                .where(audit_log.c.action == "dossier.import")
            )
            or 0
        )
    return out


def rewrite(package: Path, out: Path, changes: dict[str, bytes | None]) -> Path:
    """A copy of a package with some entries replaced, added, or (None) removed."""
    with zipfile.ZipFile(package) as src:
        entries = {i.filename: src.read(i) for i in src.infolist()}
    for name, data in changes.items():
        if data is None:
            entries.pop(name, None)
        else:
            entries[name] = data
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in entries.items():
            dst.writestr(name, data)
    out.write_bytes(buffer.getvalue())
    return out
