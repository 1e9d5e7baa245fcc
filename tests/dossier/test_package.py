"""Packages: a full round trip between two stores, and every refusal of a damaged or hostile
package, each leaving the receiving store untouched.

The hostile packages (changed files, a changed manifest, a foreign signer, a truncated
file, a zip bomb, a `../x` entry) are made by hand here from a real package: no real
package shows them.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from concord.dossier import records
from concord.dossier.keys import b64
from concord.dossier.package import ExportOptions, export_package
from concord.dossier.safezip import Limits
from concord.dossier.unpack import import_package
from concord.errors import BadInput
from concord.store import Store
from tests.dossier.conftest import Rings, fresh_store
from tests.dossier.helpers import FILES, counts, glomag_not_uk, make_dossier, rewrite

CONTENT = (
    "id",
    "title",
    "target_ref",
    "target_id",
    "entry_keys",
    "subject",
    "entities",
    "proposed",
    "conduct",
    "criteria",
    "exculpatory",
    "created_at",
    "created_by",
    "status_history",
    "evidence",
)
EMPTY = {
    "dossiers": 0,
    "dossier_statuses": 0,
    "dossier_evidence": 0,
    "dossier_blobs": 0,
    "imports audited": 0,
}


@pytest.fixture(scope="module")
def dossier_id(small_store: Store) -> str:
    target_id, _ = glomag_not_uk(small_store)
    return make_dossier(small_store, target_id)


@pytest.fixture(scope="module")
def package(
    small_store: Store, dossier_id: str, rings: Rings, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A package of the dossier signed by the NGO, its confidential file sent as it is."""
    out = tmp_path_factory.mktemp("pkg") / "dossier.zip"
    export_package(
        small_store, dossier_id, out, rings.ngo, ExportOptions("ngo", confidential="include"), "ann"
    )
    return out


def test_round_trip_gives_identical_content(
    small_store: Store, dossier_id: str, package: Path, rings: Rings, tmp_path: Path
) -> None:
    other = fresh_store(tmp_path)
    done = import_package(other, package, rings.gov, "bob")
    assert done["dossier"] == dossier_id and done["held"] == 3
    sent, received = records.load(small_store, dossier_id), records.load(other, dossier_id)
    assert {k: received[k] for k in CONTENT} == {k: sent[k] for k in CONTENT}
    assert len(received["evidence"]) == 3
    for item in received["evidence"]:
        assert records.blob(other, item["sha256"]) == FILES[item["name"]]
    # The other store has no lists: it shows the designations the package carried.
    assert sent["designations_live"]
    assert received["designations_in_package"] == sent["designations_live"]
    assert received["origin"]["signer"]["name"] == "ngo"


def test_confidential_files_are_left_out_or_sealed_for_the_recipient(
    small_store: Store, dossier_id: str, rings: Rings, tmp_path: Path
) -> None:
    omitted, sealed = tmp_path / "omitted.zip", tmp_path / "sealed.zip"
    export_package(small_store, dossier_id, omitted, rings.ngo, ExportOptions("ngo"), "ann")
    export_package(
        small_store,
        dossier_id,
        sealed,
        rings.ngo,
        ExportOptions("ngo", "encrypt", recipient="gov"),
        "ann",
    )
    with zipfile.ZipFile(omitted) as z:
        assert not any(FILES["ledger.json"] in z.read(n) for n in z.namelist())
        assert len([n for n in z.namelist() if n.startswith("evidence/")]) == 2
    with zipfile.ZipFile(sealed) as z:
        assert not any(FILES["ledger.json"] in z.read(n) for n in z.namelist())
        assert sum(n.endswith(".sealed") for n in z.namelist()) == 1
    gov = fresh_store(tmp_path, "gov.sqlite")
    assert import_package(gov, sealed, rings.gov, "bob")["held"] == 3
    # The sender itself is not the recipient: it cannot open the sealed file.
    ngo = fresh_store(tmp_path, "ngo.sqlite")
    assert import_package(ngo, sealed, rings.ngo, "ann")["held"] == 2
    held = {e["name"]: e["held"] for e in records.load(ngo, dossier_id)["evidence"]}
    assert held == {"interview.txt": True, "report.pdf": True, "ledger.json": False}


def _refused(
    package: Path, ring: Any, tmp_path: Path, match: str, limits: Limits | None = None
) -> None:
    other = fresh_store(tmp_path, "refusing.sqlite")
    with pytest.raises(BadInput, match=match) as caught:
        import_package(other, package, ring, "bob", limits)
    assert "nothing stored" in str(caught.value)
    assert counts(other) == EMPTY


def _manifest(package: Path) -> dict[str, Any]:
    with zipfile.ZipFile(package) as z:
        data: dict[str, Any] = json.loads(z.read("manifest.json"))
    return data


def test_a_changed_evidence_file_is_refused(package: Path, rings: Rings, tmp_path: Path) -> None:
    # Hand-made hostile package: one evidence file's bytes changed, the manifest kept.
    path = next(f["path"] for f in _manifest(package)["files"] if f["path"].startswith("evid"))
    bad = rewrite(package, tmp_path / "bad.zip", {path: b"%PDF-1.4\nforged\n"})
    _refused(bad, rings.gov, tmp_path, "SHA-256 is not the manifest's")


def test_a_changed_manifest_is_refused(package: Path, rings: Rings, tmp_path: Path) -> None:
    # Hand-made hostile package: the manifest's title changed, the signature kept.
    with zipfile.ZipFile(package) as z:
        body = z.read("manifest.json").replace(b'"title": "', b'"title": "Not ', 1)
    bad = rewrite(package, tmp_path / "bad.zip", {"manifest.json": body})
    _refused(bad, rings.gov, tmp_path, "signature does not verify")


def test_a_foreign_signer_is_refused(package: Path, rings: Rings, tmp_path: Path) -> None:
    # Hand-made hostile packages: the manifest signed again by a key nobody trusts, once
    # naming that key and once still naming the NGO's.
    mallory = rings.mallory.public("mallory")
    for claims in (mallory, rings.ngo.public("ngo")):
        manifest = _manifest(package)
        manifest["signer"] = {
            "name": claims.name,
            "key_id": claims.key_id,
            "public_key": b64(claims.sign),
        }
        body = json.dumps(manifest).encode()
        sig = {
            "algorithm": "Ed25519",
            "key_id": claims.key_id,
            "signature": b64(rings.mallory.signer("mallory").sign(body)),
        }
        bad = rewrite(
            package,
            tmp_path / "bad.zip",
            {"manifest.json": body, "manifest.sig": json.dumps(sig).encode()},
        )
        match = "not ours nor trusted" if claims is mallory else "signature does not verify"
        _refused(bad, rings.gov, tmp_path, match)


def test_a_truncated_package_is_refused(package: Path, rings: Rings, tmp_path: Path) -> None:
    data = package.read_bytes()
    bad = tmp_path / "bad.zip"
    bad.write_bytes(data[: len(data) * 2 // 3])
    _refused(bad, rings.gov, tmp_path, "not a complete, readable zip")


def test_a_missing_or_extra_file_is_refused(package: Path, rings: Rings, tmp_path: Path) -> None:
    # Hand-made hostile packages: an evidence file removed; a file the manifest omits added.
    path = next(f["path"] for f in _manifest(package)["files"] if f["path"].startswith("evid"))
    _refused(
        rewrite(package, tmp_path / "a.zip", {path: None}),
        rings.gov,
        tmp_path,
        "is listed but missing",
    )
    _refused(
        rewrite(package, tmp_path / "b.zip", {"evidence/extra": b"x"}),
        rings.gov,
        tmp_path,
        "files not in the manifest",
    )


@pytest.mark.parametrize("name", ["../x", "/etc/x", "evidence/../../x", "C:/x", "a\\..\\x"])
def test_a_path_traversal_entry_is_refused(
    package: Path, rings: Rings, tmp_path: Path, name: str
) -> None:
    # Hand-made hostile package: a good package plus an entry that climbs out.
    bad = rewrite(package, tmp_path / "bad.zip", {name: b"owned"})
    _refused(bad, rings.gov, tmp_path, "unsafe entry name")


def test_a_zip_bomb_is_refused(package: Path, rings: Rings, tmp_path: Path) -> None:
    # Hand-made hostile packages: 64 MiB of zeros deflated to ~64 KiB in one entry; and
    # small entries whose declared sizes add up beyond the limit.
    bomb = rewrite(package, tmp_path / "bomb.zip", {"evidence/zeros": bytes(64 * 1024**2)})
    _refused(bomb, rings.gov, tmp_path, "zip bomb")
    _refused(package, rings.gov, tmp_path, "inflates beyond", Limits(total=2000))
    _refused(package, rings.gov, tmp_path, "entries, more than", Limits(entries=3))


def test_a_header_that_understates_its_size_is_refused(
    package: Path, rings: Rings, tmp_path: Path
) -> None:
    # Hand-made hostile package: an entry whose local and central headers declare fewer
    # bytes than it inflates to (the way bombs slip past size checks).
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.json", bytes(4096))
    data = bytearray(buffer.getvalue())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.index(signature) + offset
        data[at : at + 4] = (100).to_bytes(4, "little")
    bad = tmp_path / "bad.zip"
    bad.write_bytes(bytes(data))
    _refused(bad, rings.gov, tmp_path, "not the size its header declares|not a complete")
