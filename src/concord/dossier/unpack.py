"""Importing a dossier package: every check first (the zip, the signature, every hash,
every field), then one transaction. The checks and their order are in docs/dossiers.md.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature

from concord.dossier import marks, records, seal
from concord.dossier.files import check_file, safe_name
from concord.dossier.keys import KeyRing, b64, unb64
from concord.dossier.package import (
    DOSSIER_FIELDS,
    EVIDENCE_FIELDS,
    FORMAT,
    MANIFEST,
    SIGNATURE,
    SUMMARY,
    SUMMARY_PDF,
    VERSION,
    sha,
)
from concord.dossier.safezip import Limits, read_package
from concord.dossier.subject import subject_entity
from concord.errors import BadInput, Conflict
from concord.store import Store, audit
from concord.store.dossier_tables import dossier_evidence, dossier_statuses, dossiers


def _verified_manifest(entries: dict[str, bytes], ring: KeyRing) -> dict[str, Any]:
    """The manifest, once its signature verifies under a key we hold or trust."""
    for name in (MANIFEST, SIGNATURE):
        if name not in entries:
            raise BadInput(f"incomplete package: no {name}")
    try:
        sig = json.loads(entries[SIGNATURE])
        manifest = json.loads(entries[MANIFEST])
    except ValueError as exc:
        raise BadInput(f"the manifest or its signature is not JSON ({exc})") from None
    if not isinstance(sig, dict) or not isinstance(manifest, dict):
        raise BadInput("the manifest and its signature must be JSON objects")
    if sig.get("algorithm") != "Ed25519":
        raise BadInput(f"unknown signature algorithm {sig.get('algorithm')!r}")
    key_id = str(sig.get("key_id"))
    signer = ring.trusted().get(key_id)
    if signer is None:
        raise BadInput(
            f"signed by key {key_id}, which is not ours nor trusted (`concord keys trust FILE`)"
        )
    claimed = manifest.get("signer") or {}
    if (
        not isinstance(claimed, dict)
        or claimed.get("key_id") != key_id
        or claimed.get("public_key") != b64(signer.sign)
    ):
        raise BadInput("the manifest names another signer than the signature's key")
    try:
        signer.verifier().verify(unb64(sig.get("signature"), "signature"), entries[MANIFEST])
    except InvalidSignature:
        raise BadInput(
            f"the manifest's signature does not verify under {signer.name}'s "
            f"key {key_id}: the manifest was changed or signed by another key"
        ) from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BadInput(f"not a {FORMAT} package of version {VERSION}")
    return {**manifest, "_signer": signer.name}


def _verified_files(manifest: dict[str, Any], entries: dict[str, bytes]) -> dict[str, bytes]:
    """Every file the manifest lists, each present with its SHA-256; nothing else."""
    listed = manifest.get("files")
    if not isinstance(listed, list):
        raise BadInput("the manifest lists no files")
    files: dict[str, bytes] = {}
    for item in listed:
        path = str(item.get("path")) if isinstance(item, dict) else ""
        if path not in entries:
            raise BadInput(f"incomplete package: {path!r} is listed but missing")
        if sha(entries[path]) != item.get("sha256") or len(entries[path]) != item.get("size"):
            raise BadInput(f"{path}: its SHA-256 is not the manifest's: the file was changed")
        files[path] = entries[path]
    extra = set(entries) - set(files) - {MANIFEST, SIGNATURE}
    if extra:
        raise BadInput(f"files not in the manifest: {', '.join(sorted(extra))}")
    return files


def _check_summary(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
    """The summary files the manifest names are there (their hashes are checked with every
    file's); a PDF is a PDF. A package without `summary` (older exports) has the HTML only."""
    summary = manifest.get("summary")
    if summary is None:
        return
    if not isinstance(summary, dict) or summary.get("html") != SUMMARY:
        raise BadInput("the manifest's summary is not summary.html")
    if SUMMARY not in files:
        raise BadInput("incomplete package: summary.html is not listed")
    pdf = summary.get("pdf")
    if pdf is None:
        if SUMMARY_PDF in files:
            raise BadInput("summary.pdf is there but the manifest says the PDF is absent")
        return
    if pdf != SUMMARY_PDF or SUMMARY_PDF not in files:
        raise BadInput(f"incomplete package: the manifest names {pdf!r} as the PDF summary")
    if not files[SUMMARY_PDF].startswith(b"%PDF-"):
        raise BadInput("summary.pdf is not a PDF file")


def _opener(manifest: dict[str, Any], ring: KeyRing) -> seal.Box | None:
    """The box that opens the package's encrypted files, when it is for one of our keys."""
    enc = manifest.get("encryption")
    if not enc:
        return None
    if not isinstance(enc, dict) or enc.get("algorithm") != seal.ALGORITHM:
        raise BadInput("unknown encryption in the manifest")
    for key in ring.listing():
        if key["private"] and key["key_id"] == enc.get("recipient_key_id"):
            return seal.opener(
                ring.opener(key["name"]), unb64(enc.get("ephemeral_public_key"), "ephemeral key")
            )
    return None


def _evidence_items(
    manifest: dict[str, Any], files: dict[str, bytes], box: seal.Box | None
) -> list[tuple[dict[str, Any], bytes | None]]:
    """Each evidence item, checked, with its content where the package lets us hold it."""
    out: list[tuple[dict[str, Any], bytes | None]] = []
    for raw in manifest.get("evidence") or []:
        try:
            item = {k: raw[k] for k in EVIDENCE_FIELDS}
            mode, path = raw["content"], raw["file"]
        except (KeyError, TypeError):
            raise BadInput("an evidence item of the manifest lacks a field") from None
        content: bytes | None = None
        if mode == "plain" or (mode == "encrypted" and box is not None):
            if path not in files:
                raise BadInput(f"incomplete package: no file for evidence {item['name']!r}")
            content = (
                files[path]
                if mode == "plain"
                else box.decrypt(  # type: ignore[union-attr]
                    item["sha256"], files[path]
                )
            )
            if sha(content) != item["sha256"]:
                raise BadInput(f"evidence {item['name']!r}: its SHA-256 is not the manifest's")
            check_file(safe_name(item["name"]), content, records.MAX_EVIDENCE_BYTES)
        elif mode not in ("encrypted", "omitted"):
            raise BadInput(f"evidence {item['name']!r}: unknown content {mode!r}")
        item["reliability"] = marks.reliability(str(item["reliability"]))
        item["confidentiality"] = marks.confidentiality(str(item["confidentiality"]))
        item["date"] = date.fromisoformat(item["date"]) if item["date"] else None
        item["added_at"] = datetime.fromisoformat(str(item["added_at"]))
        out.append((item, content))
    return out


def _dossier_row(manifest: dict[str, Any], package_sha: str) -> dict[str, Any]:
    """The dossier row an import stores, every field checked as a new dossier's would be."""
    raw = manifest.get("dossier")
    if not isinstance(raw, dict) or any(k not in raw for k in DOSSIER_FIELDS):
        raise BadInput("the manifest's dossier lacks a field")
    row = {k: raw[k] for k in DOSSIER_FIELDS}
    row["proposed"] = marks.proposed(list(row["proposed"]))
    row["criteria"] = [marks.criterion(c["regime"], c["text"]) for c in row["criteria"]]
    if row["subject"]:
        row["subject"] = subject_entity(row["subject"])
    for key in ("created_at", "updated_at"):
        row[key] = datetime.fromisoformat(str(row[key]))
    row.update(
        {
            "entities": manifest.get("entities") or [],
            "shared_with": [],
            "designations": manifest.get("designations") or [],
            "origin": {
                "signer": {"name": manifest["_signer"], "key_id": manifest["signer"]["key_id"]},
                "exported_at": manifest.get("exported_at"),
                "exported_by": manifest.get("exported_by"),
                "package_sha256": package_sha,
            },
        }
    )
    return row


def _status_rows(manifest: dict[str, Any], dossier_id: str) -> list[dict[str, Any]]:
    rows = []
    for s in manifest["dossier"].get("status_history") or []:
        rows.append(
            {
                "dossier_id": dossier_id,
                "jurisdiction": marks.proposed([s["jurisdiction"]])[0],
                "status": marks.status(s["status"]),
                "on": date.fromisoformat(s["on"]),
                "note": s.get("note"),
                "recorded_by": str(s["recorded_by"]),
                "recorded_at": datetime.fromisoformat(s["recorded_at"]),
            }
        )
    return rows


def verify_package(path: Path, ring: KeyRing, limits: Limits | None = None) -> dict[str, Any]:
    """Check a package through and through, storing nothing: the zip, the signature, every
    hash, every field. Returns what an import stores."""
    entries = read_package(path, limits)
    manifest = _verified_manifest(entries, ring)
    files = _verified_files(manifest, entries)
    _check_summary(manifest, files)
    try:
        row = _dossier_row(manifest, sha(path.read_bytes()))
        statuses = _status_rows(manifest, str(row["id"]))
        items = _evidence_items(manifest, files, _opener(manifest, ring))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BadInput(f"the manifest does not hold a valid dossier ({exc!r})") from None
    return {"row": row, "statuses": statuses, "evidence": items, "manifest": manifest}


def import_package(
    store: Store, path: Path, ring: KeyRing, by: str, limits: Limits | None = None
) -> dict[str, Any]:
    """Store the dossier of a package, after `verify_package` found it whole, in one
    transaction with its audit row. Refuses a dossier this store holds already."""
    try:
        checked = verify_package(path, ring, limits)
    except BadInput as exc:
        raise BadInput(f"{path.name}: refused, nothing stored: {exc}") from None
    row = checked["row"]
    with store.begin() as conn:
        if conn.execute(sa.select(dossiers.c.id).where(dossiers.c.id == row["id"])).first():
            raise Conflict(f"{path.name}: dossier {row['id']} is in this store already")
        conn.execute(dossiers.insert().values(**row))
        if checked["statuses"]:
            conn.execute(dossier_statuses.insert(), checked["statuses"])
        held = 0
        for item, content in checked["evidence"]:
            if content is not None:
                records.put_blob(conn, item["sha256"], content)
                held += 1
            conn.execute(
                dossier_evidence.insert().values(
                    **item, dossier_id=row["id"], held=content is not None
                )
            )
        done = {
            "dossier": row["id"],
            "package_sha256": row["origin"]["package_sha256"],
            "signer": row["origin"]["signer"],
            "evidence": len(checked["evidence"]),
            "held": held,
        }
        audit.write(conn, by, "dossier.import", str(row["id"]), None, done)
    return done
