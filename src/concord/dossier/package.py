"""Signed dossier packages: export one dossier to a zip, import one with every check made
before anything is stored. The format is written down in docs/dossiers.md.

A package holds `manifest.json` (the dossier, its FtM entities, the designations the target
had, the evidence list and the SHA-256 of every other file), `manifest.sig` (an Ed25519
signature over the exact bytes of `manifest.json`), `summary.html` (and `summary.pdf` when
the exporter could print one), and the evidence files
under `evidence/`: plain as `evidence/<sha256>`, encrypted for a recipient as
`evidence/<sha256>.sealed`, or left out. Importing one is `unpack.py`.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from concord.dossier import records, seal
from concord.dossier.keys import KeyRing, b64
from concord.dossier.summary import render
from concord.errors import BadInput, ConcordError
from concord.store import Store, audit

FORMAT = "concord-dossier"
VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
SUMMARY = "summary.html"
SUMMARY_PDF = "summary.pdf"
# Prints the summary's HTML to PDF bytes, or raises ConcordError (say, no Chromium here).
# The interfaces pass one (they may use concord.report, which this layer may not).
PdfPrinter = Callable[[bytes], bytes]
CONFIDENTIAL_MODES = ("omit", "encrypt", "include")
DOSSIER_FIELDS = (
    "id",
    "title",
    "target_ref",
    "target_id",
    "entry_keys",
    "subject",
    "proposed",
    "conduct",
    "criteria",
    "exculpatory",
    "created_at",
    "created_by",
    "updated_at",
)
EVIDENCE_FIELDS = (
    "sha256",
    "name",
    "media_type",
    "size",
    "source",
    "date",
    "reliability",
    "confidentiality",
    "description",
    "added_by",
    "added_at",
)


@dataclass(frozen=True)
class ExportOptions:
    """Who signs, and what becomes of confidential evidence: left out (`omit`), encrypted
    for `recipient` (`encrypt`), or sent as it is (`include`)."""

    signer: str
    confidential: str = "omit"
    recipient: str | None = None
    printer: PdfPrinter | None = None


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json_bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


def _evidence_entry(
    item: dict[str, Any], content: bytes, options: ExportOptions, sealer: seal.Sealer | None
) -> tuple[dict[str, Any], str | None, bytes]:
    """An evidence item of the manifest, and the file (path, bytes) it travels as."""
    entry = {k: item[k] for k in EVIDENCE_FIELDS}
    if item["confidentiality"] == "confidential" and options.confidential != "include":
        if sealer is None:
            return {**entry, "content": "omitted", "file": None}, None, b""
        path = f"evidence/{item['sha256']}.sealed"
        return (
            {**entry, "content": "encrypted", "file": path},
            path,
            sealer.encrypt(item["sha256"], content),
        )
    path = f"evidence/{item['sha256']}"
    return {**entry, "content": "plain", "file": path}, path, content


def _sealer(ring: KeyRing, options: ExportOptions) -> tuple[seal.Sealer | None, Any]:
    if options.confidential not in CONFIDENTIAL_MODES:
        raise BadInput(f"confidential items: one of {', '.join(CONFIDENTIAL_MODES)}")
    if options.confidential != "encrypt":
        if options.recipient is not None:
            raise BadInput("a recipient is only used with encrypted confidential items")
        return None, None
    if options.recipient is None:
        raise BadInput("name the recipient to encrypt confidential items for (--recipient)")
    recipient = ring.public(options.recipient)
    sealer = seal.Sealer(recipient.box_key())
    return sealer, {
        "algorithm": seal.ALGORITHM,
        "recipient": recipient.name,
        "recipient_key_id": recipient.key_id,
        "recipient_public_key": b64(recipient.box),
        "ephemeral_public_key": b64(sealer.ephemeral_public),
    }


def _summary_pdf(files: dict[str, bytes], printer: PdfPrinter | None) -> dict[str, Any]:
    """Add the summary as PDF to `files` when it can be printed; the manifest's `summary`
    says which files hold the summary, and why there is no PDF. Never fails the export."""
    absent = "the exporter has no PDF printer"
    if printer is not None:
        try:
            pdf = printer(files[SUMMARY])
        except ConcordError as exc:
            absent = str(exc)
        else:
            if pdf.startswith(b"%PDF-"):
                files[SUMMARY_PDF] = pdf
                return {"html": SUMMARY, "pdf": SUMMARY_PDF, "pdf_absent": None}
            absent = "the printer did not return a PDF"
    return {"html": SUMMARY, "pdf": None, "pdf_absent": absent}


def build_manifest(
    store: Store, dossier_id: str, ring: KeyRing, options: ExportOptions, by: str
) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The manifest of a dossier's package and the files it lists (summary, evidence)."""
    found = records.load(store, dossier_id)
    signer = ring.public(options.signer)
    ring.signer(options.signer)  # NotFound now, before the work, when the key is not ours
    sealer, encryption = _sealer(ring, options)
    files: dict[str, bytes] = {}
    items = []
    for item in found["evidence"]:
        if not item["held"]:
            items.append(
                {**{k: item[k] for k in EVIDENCE_FIELDS}, "content": "omitted", "file": None}
            )
            continue
        entry, path, data = _evidence_entry(
            item, records.blob(store, item["sha256"]), options, sealer
        )
        items.append(entry)
        if path is not None:
            files[path] = data
    shown = {**found, "evidence": items}
    files[SUMMARY] = render(shown).encode("utf-8")
    summary = _summary_pdf(files, options.printer)
    designations = found["designations_live"] or found["designations_in_package"] or []
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "generator": f"concord {version('concord')}",
        "exported_at": audit.now().isoformat(timespec="seconds"),
        "exported_by": by,
        "signer": {"name": signer.name, "key_id": signer.key_id, "public_key": b64(signer.sign)},
        "dossier": {
            **{k: found[k] for k in DOSSIER_FIELDS},
            "status_history": found["status_history"],
            "statuses": found["statuses"],
        },
        "entities": found["entities"],
        "designations": designations,
        "evidence": items,
        "encryption": encryption,
        "summary": summary,
        "files": [{"path": p, "sha256": sha(b), "size": len(b)} for p, b in sorted(files.items())],
    }
    return manifest, files


def export_package(
    store: Store, dossier_id: str, out: Path, ring: KeyRing, options: ExportOptions, by: str
) -> dict[str, Any]:
    """Write a dossier's signed package to `out` (audited as `dossier.export`); returns
    what went in."""
    manifest, files = build_manifest(store, dossier_id, ring, options, by)
    body = _json_bytes(manifest)
    signature = ring.signer(options.signer).sign(body)
    sig = {
        "algorithm": "Ed25519",
        "key_id": manifest["signer"]["key_id"],
        "signature": b64(signature),
    }
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, body)
        archive.writestr(SIGNATURE, _json_bytes(sig))
        for path, data in sorted(files.items()):
            archive.writestr(path, data)
    partial.replace(out)
    counts = {
        mode: sum(1 for e in manifest["evidence"] if e["content"] == mode)
        for mode in ("plain", "encrypted", "omitted")
    }
    done = {
        "dossier": dossier_id,
        "package": str(out),
        "sha256": sha(out.read_bytes()),
        "signer": manifest["signer"]["name"],
        "key_id": manifest["signer"]["key_id"],
        **counts,
        "summary_pdf": manifest["summary"]["pdf"] is not None,
        "summary_pdf_absent": manifest["summary"]["pdf_absent"],
    }
    with store.begin() as conn:
        audit.write(conn, by, "dossier.export", dossier_id, None, done)
    return done
