"""The package's summary as PDF: printed by headless Chromium beside summary.html, listed in
the manifest with its SHA-256 and checked on import; without Chromium the export goes on
with the HTML only and the manifest says why.

The dossier is about a person given as an FtM entity (made up for the test: the PDF only
has to carry the dossier's own text, which no list file shows).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader

from concord.cli.main import cli
from concord.dossier import records
from concord.dossier.package import sha
from concord.dossier.unpack import import_package
from concord.errors import BadInput
from concord.store import Store
from tests.dossier.conftest import Rings, fresh_store
from tests.dossier.helpers import counts, rewrite

ENTITY = {"id": "ngo-subject-pdf", "schema": "Person", "properties": {"name": ["Maria Example"]}}


def _dossier(db: Path) -> str:
    spec = records.DossierSpec(["UK"], entity=ENTITY, conduct="Ordered arbitrary detentions")
    return records.create(Store(f"sqlite:///{db}"), spec, "ann")


def _export(db: Path, keys: Path, dossier_id: str, out: Path, env: dict[str, str]) -> Result:
    args = ["--database", f"sqlite:///{db}", "dossier", "export", dossier_id, "--out", str(out)]
    return CliRunner().invoke(cli, args, env={"CONCORD_KEYS": str(keys), **env})


def _entries(package: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(package) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}


def test_the_package_carries_the_summary_as_pdf(
    chromium: str, rings: Rings, tmp_path: Path
) -> None:
    db, package = tmp_path / "ngo.sqlite", tmp_path / "pkg.zip"
    dossier_id = _dossier(db)
    done = _export(db, rings.ngo.folder, dossier_id, package, {"CONCORD_CHROMIUM": chromium})
    assert done.exit_code == 0, done.output
    assert "no PDF summary" not in done.output
    entries = _entries(package)
    manifest = json.loads(entries["manifest.json"])
    assert manifest["summary"] == {"html": "summary.html", "pdf": "summary.pdf", "pdf_absent": None}
    listed = {f["path"]: f for f in manifest["files"]}
    assert listed["summary.pdf"]["sha256"] == sha(entries["summary.pdf"])
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(entries["summary.pdf"])).pages)
    assert "Maria Example" in text and "Ordered arbitrary detentions" in text

    gov = fresh_store(tmp_path)
    assert import_package(gov, package, rings.gov, "gov")["dossier"] == dossier_id
    # A changed PDF is refused like any changed file, and nothing is stored.
    third = fresh_store(tmp_path, "third.sqlite")
    forged = rewrite(package, tmp_path / "forged.zip", {"summary.pdf": b"%PDF-1.4 forged"})
    with pytest.raises(BadInput, match=re.escape("summary.pdf: its SHA-256 is not the manifest's")):
        import_package(third, forged, rings.gov, "gov")
    missing = rewrite(package, tmp_path / "missing.zip", {"summary.pdf": None})
    with pytest.raises(BadInput, match=re.escape("'summary.pdf' is listed but missing")):
        import_package(third, missing, rings.gov, "gov")
    assert counts(third)["dossiers"] == 0


def test_without_chromium_the_package_has_the_html_only(rings: Rings, tmp_path: Path) -> None:
    db, package = tmp_path / "ngo.sqlite", tmp_path / "pkg.zip"
    dossier_id = _dossier(db)
    nowhere = str(tmp_path / "no-chromium")
    done = _export(db, rings.ngo.folder, dossier_id, package, {"CONCORD_CHROMIUM": nowhere})
    assert done.exit_code == 0, done.output
    assert f"no PDF summary (HTML only): CONCORD_CHROMIUM={nowhere}: no such file" in done.output
    entries = _entries(package)
    assert "summary.pdf" not in entries and "summary.html" in entries
    summary = json.loads(entries["manifest.json"])["summary"]
    assert summary["pdf"] is None and "no such file" in summary["pdf_absent"]
    assert import_package(fresh_store(tmp_path), package, rings.gov, "gov")["held"] == 0
