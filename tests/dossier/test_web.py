"""The dossier web forms, signed in by session cookie with the CSRF token, as a browser
uses them: edit a dossier, download its signed package, import a package. Each is analyst
only and audited; a refused package shows its one-line reason and stores nothing.

The app runs over a store of its own (accounts and dossiers only: the dossier is about a
person given as an FtM entity, made up for the test, so no list is needed).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from concord.api import accounts, routes_dossiers
from concord.api.app import create_app
from concord.dossier import records
from concord.store import Store, audit
from tests.api.conftest import PASSWORD, sign_in
from tests.dossier.helpers import FILES, rewrite

USERS = {"ana": "analyst", "vic": "viewer"}
ENTITY = {"id": "ngo-subject-3", "schema": "Person", "properties": {"name": ["Carla Sample"]}}
HTML = {"accept": "text/html"}
ERROR = re.compile(r'<p class="error" role="alert">([^<]*)</p>')


def _store(path: Path) -> Store:
    store = Store(f"sqlite:///{path}")
    for name, role in USERS.items():
        accounts.add_user(store, name, role, PASSWORD, actor="test-setup")
    return store


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, Store]]:
    """A fresh store and app; the server's keys folder holds one key, `server`."""
    monkeypatch.setenv("CONCORD_KEYS", str(tmp_path / "keys"))
    # The PDF summary has its own tests (test_pdf.py); here the server has no Chromium.
    monkeypatch.setenv("CONCORD_CHROMIUM", str(tmp_path / "no-chromium"))
    from concord.dossier.keys import KeyRing

    KeyRing().generate("server")
    store = _store(tmp_path / "web.sqlite")
    with TestClient(create_app(store, secret="s"), raise_server_exceptions=False) as client:
        yield client, store


def _dossier(store: Store) -> str:
    spec = records.DossierSpec(
        ["UK", "CA"], entity=ENTITY, conduct="Ran a prison", shared_with=["vic"]
    )
    dossier_id = records.create(store, spec, "ana")
    mark = records.EvidenceMarks(source="NGO", reliability="B2")
    records.add_evidence(store, dossier_id, "interview.txt", FILES["interview.txt"], mark, "ana")
    return dossier_id


def test_an_analyst_edits_a_dossier_through_its_form(app: tuple[TestClient, Store]) -> None:
    client, store = app
    dossier_id = _dossier(store)
    token = sign_in(client, "ana")
    page = client.get(f"/dossiers/{dossier_id}", headers=HTML)
    assert f'action="/dossiers/{dossier_id}/edit"' in page.text
    assert "<option>server</option>" in page.text  # the export form's signer
    form = {
        "conduct": "Ran a detention site",
        "conduct_from": "2019-03-01",
        "conduct_until": "2021-06-30",
        "criteria": "GB-HR=Torture\nCA-JVCFOA=Gross violation of human rights\n",
        "exculpatory": "Denies it.\n\nWas abroad in 2020.",
    }
    # Without the CSRF token: refused, nothing changed.
    refused = client.post(f"/dossiers/{dossier_id}/edit", data=form, headers=HTML)
    assert refused.status_code == 403
    assert records.load(store, dossier_id)["conduct"]["text"] == "Ran a prison"
    done = client.post(
        f"/dossiers/{dossier_id}/edit",
        data={**form, "csrf_token": token},
        headers=HTML,
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == f"/dossiers/{dossier_id}"
    found = records.load(store, dossier_id)
    assert found["conduct"] == {
        "text": "Ran a detention site",
        "from": "2019-03-01",
        "until": "2021-06-30",
    }
    assert [(c["regime"], c["jurisdiction"]) for c in found["criteria"]] == [
        ("GB-HR", "UK"),
        ("CA-JVCFOA", "CA"),
    ]
    assert [e["text"] for e in found["exculpatory"]] == ["Denies it.", "Was abroad in 2020."]
    row = audit.entries(store, action="dossier.edit")[0]
    assert row["actor"] == "ana" and row["subject"] == dossier_id
    assert row["before"]["conduct"]["text"] == "Ran a prison"
    assert row["after"]["conduct"]["text"] == "Ran a detention site"
    page = client.get(f"/dossiers/{dossier_id}", headers=HTML).text
    assert "GB-HR=Torture" in page and "Was abroad in 2020." in page
    # A bad criterion: one line saying what is wrong, nothing changed.
    bad = client.post(
        f"/dossiers/{dossier_id}/edit",
        data={**form, "criteria": "XX-NONE=Torture", "csrf_token": token},
        headers=HTML,
    )
    assert bad.status_code == 400
    assert ERROR.findall(bad.text) == [
        "no regime &#39;XX-NONE&#39; in the registry (see `concord regimes`)"
    ]
    assert len(audit.entries(store, action="dossier.edit")) == 1


def test_export_and_import_through_the_forms(
    app: tuple[TestClient, Store], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, store = app
    dossier_id = _dossier(store)
    token = sign_in(client, "ana")
    exported = client.post(
        f"/dossiers/{dossier_id}/export",
        data={"signer": "server", "confidential": "omit", "csrf_token": token},
        headers=HTML,
    )
    assert exported.status_code == 200 and exported.content.startswith(b"PK")
    assert exported.headers["content-disposition"] == f'attachment; filename="{dossier_id}.zip"'
    assert audit.entries(store, action="dossier.export")[0]["actor"] == "ana"
    package = tmp_path / "pkg.zip"
    package.write_bytes(exported.content)

    # The other server (here: the same keys) imports it through its dossiers page.
    other = _store(tmp_path / "other.sqlite")
    with TestClient(create_app(other, secret="s"), raise_server_exceptions=False) as them:
        token = sign_in(them, "ana")
        assert 'action="/dossiers/import"' in them.get("/dossiers", headers=HTML).text
        forged = rewrite(package, tmp_path / "forged.zip", {"summary.html": b"<p>forged</p>"})
        refused = them.post(
            "/dossiers/import",
            data={"csrf_token": token},
            files={"file": ("forged.zip", forged.read_bytes())},
            headers=HTML,
        )
        assert refused.status_code == 400
        assert ERROR.findall(refused.text) == [
            "package.zip: refused, nothing stored: summary.html: its SHA-256 is not the "
            "manifest&#39;s: the file was changed"
        ]
        with monkeypatch.context() as patch:
            patch.setattr(routes_dossiers, "MAX_PACKAGE_BYTES", 1000)
            big = them.post(
                "/dossiers/import",
                data={"csrf_token": token},
                files={"file": ("pkg.zip", package.read_bytes())},
                headers=HTML,
            )
        assert big.status_code == 400 and "pkg.zip: larger than 1000 bytes" in big.text
        assert records.listing(other) == []
        assert audit.entries(other, action="dossier.import") == []
        done = them.post(
            "/dossiers/import",
            data={"csrf_token": token},
            files={"file": ("pkg.zip", package.read_bytes())},
            headers=HTML,
            follow_redirects=False,
        )
        assert done.status_code == 303 and done.headers["location"] == f"/dossiers/{dossier_id}"
        page = them.get(f"/dossiers/{dossier_id}", headers=HTML)
        assert page.status_code == 200 and "Carla Sample" in page.text
        assert audit.entries(other, action="dossier.import")[0]["actor"] == "ana"


def test_readers_and_strangers_cannot_use_the_forms(app: tuple[TestClient, Store]) -> None:
    client, store = app
    dossier_id = _dossier(store)
    forms = [
        (f"/dossiers/{dossier_id}/edit", {"conduct": "changed"}, None),
        (f"/dossiers/{dossier_id}/export", {"signer": "server"}, None),
        ("/dossiers/import", {}, {"file": ("pkg.zip", b"PK\x05\x06" + b"\0" * 18)}),
    ]
    for url, data, files in forms:  # nobody signed in
        response = client.post(url, data=data, files=files, headers=HTML)
        assert response.status_code == 401, url
    token = sign_in(client, "vic")  # a reader the dossier is shared with
    assert client.get(f"/dossiers/{dossier_id}", headers=HTML).status_code == 200
    for url, data, files in forms:
        response = client.post(url, data={**data, "csrf_token": token}, files=files, headers=HTML)
        assert response.status_code == 403, url
        assert "this needs the analyst role" in response.text
    assert records.load(store, dossier_id)["conduct"]["text"] == "Ran a prison"
    assert records.listing(store) and len(records.listing(store)) == 1
    assert audit.entries(store, action="dossier.edit") == []
    assert audit.entries(store, action="dossier.export") == []
