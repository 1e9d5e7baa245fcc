"""Dossiers over HTTP: analysts create and edit, readers see only what is shared with them,
and nobody else can read or change a dossier through any route.

The app runs over a store of its own (accounts and dossiers only: these dossiers are about
a person given as an FtM entity, so no list is needed); the accounts are made here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from concord.api import accounts
from concord.api.app import create_app
from concord.store import Store
from tests.api.conftest import app_routes
from tests.dossier.helpers import FILES

USERS = {"ada": "admin", "ana": "analyst", "al": "analyst", "vic": "viewer", "zed": "viewer"}
ENTITY = {"id": "ngo-subject-2", "schema": "Person", "properties": {"name": ["John Doe"]}}


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('api') / 'api.sqlite'}")
    tokens = {}
    for name, role in USERS.items():
        accounts.add_user(store, name, role, "correct horse battery staple", actor="test-setup")
        tokens[name] = accounts.new_token(store, name, actor="test-setup")
    with TestClient(create_app(store, secret="s"), raise_server_exceptions=False) as client:
        yield client, tokens


def _as(tokens: dict[str, str], name: str) -> dict[str, str]:
    return {"authorization": f"Bearer {tokens[name]}"}


def _make(client: TestClient, tokens: dict[str, str]) -> str:
    made = client.post(
        "/api/dossiers",
        headers=_as(tokens, "ana"),
        json={
            "proposed": ["UK", "CA"],
            "entity": ENTITY,
            "conduct": "Ran a torture site",
            "criteria": [["GB-HR", "torture"]],
        },
    )
    assert made.status_code == 201, made.text
    dossier_id: str = made.json()["id"]
    for name, content in FILES.items():
        added = client.post(
            f"/api/dossiers/{dossier_id}/evidence",
            headers=_as(tokens, "ana"),
            files={"file": (name, content)},
            data={"source": "NGO", "reliability": "B2"},
        )
        assert added.status_code == 201, added.text
    return dossier_id


def test_analyst_edits_and_shared_reader_reads(setup: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = setup
    dossier_id = _make(client, tokens)
    status = client.post(
        f"/api/dossiers/{dossier_id}/status",
        headers=_as(tokens, "ana"),
        json={"jurisdiction": "UK", "status": "submitted"},
    )
    assert status.status_code == 200 and status.json()["status"] == "submitted"
    edited = client.post(
        f"/api/dossiers/{dossier_id}/edit",
        headers=_as(tokens, "ana"),
        json={"conduct": "Ran a torture site", "conduct_from": "2018-01-01",
              "criteria": [["GB-HR", "torture"]], "exculpatory": ["Denies it"]},
    )  # fmt: skip
    assert edited.status_code == 200, edited.text
    assert edited.json()["exculpatory"] == [{"text": "Denies it"}]
    assert edited.json()["conduct"]["from"] == "2018-01-01"
    assert client.get(f"/api/dossiers/{dossier_id}", headers=_as(tokens, "vic")).status_code == 404
    shared = client.post(
        f"/api/dossiers/{dossier_id}/share", headers=_as(tokens, "ana"), json={"users": ["vic"]}
    )
    assert shared.json()["shared_with"] == ["vic"]
    data = client.get(f"/api/dossiers/{dossier_id}", headers=_as(tokens, "vic")).json()
    assert data["dossier"]["subject"] == ENTITY and len(data["dossier"]["evidence"]) == 3
    assert {
        d["id"] for d in client.get("/api/dossiers", headers=_as(tokens, "vic")).json()["dossiers"]
    } == {dossier_id}
    page = client.get(f"/dossiers/{dossier_id}", headers=_as(tokens, "vic"))
    assert page.status_code == 200 and "John Doe" in page.text and "submitted" in page.text
    sha = data["dossier"]["evidence"][0]["sha256"]
    got = client.get(f"/api/dossiers/{dossier_id}/evidence/{sha}", headers=_as(tokens, "vic"))
    assert got.content in FILES.values()
    # A reader reads; only an analyst writes.
    denied = client.post(
        f"/api/dossiers/{dossier_id}/status",
        headers=_as(tokens, "vic"),
        json={"jurisdiction": "UK", "status": "declined"},
    )
    assert denied.status_code == 403


def test_uploads_are_type_checked(setup: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = setup
    dossier_id = _make(client, tokens)
    for name, content in (("report.pdf", b"MZ\x90\x00 a program"), ("tool.exe", b"MZ")):
        bad = client.post(
            f"/api/dossiers/{dossier_id}/evidence",
            headers=_as(tokens, "ana"),
            files={"file": (name, content)},
            data={"source": "x"},
        )
        assert bad.status_code == 400, bad.text


def test_no_route_lets_an_unauthorised_user_read_or_change(
    setup: tuple[TestClient, dict[str, str]],
) -> None:
    client, tokens = setup
    dossier_id = _make(client, tokens)
    sha = client.get(f"/api/dossiers/{dossier_id}", headers=_as(tokens, "ana")).json()["dossier"][
        "evidence"
    ][0]["sha256"]
    routes = [(m, p) for m, p in app_routes(client.app) if "dossier" in p]  # type: ignore[arg-type]
    assert len(routes) >= 17
    outsiders = [{}, _as(tokens, "zed"), _as(tokens, "al")]  # anonymous, a reader, an analyst
    for method, path in routes:
        url = path.replace("{dossier_id}", dossier_id).replace("{sha256}", sha)
        for headers in outsiders:
            response = client.request(
                method,
                url,
                headers=headers,
                params={"signer": "x"},
                data={
                    "source": "x",
                    "jurisdiction": "UK",
                    "status": "declined",
                    "target": "x",
                    "propose": "UK",
                },
                files={"file": ("x.txt", b"x")},
            )
            if path in ("/api/dossiers", "/dossiers") and method == "GET" and headers:
                assert dossier_id not in response.text  # a listing, without this dossier
                continue
            if path in (
                "/api/dossiers",
                "/dossiers",
                "/api/dossiers/import",
                "/dossiers/import",
            ) and (headers is outsiders[2]):
                continue  # an analyst may create and import dossiers of their own
            assert response.status_code in (401, 403, 404, 422), (method, url, response.text)
            assert "John Doe" not in response.text and "torture site" not in response.text
    # Nothing changed: the owner still sees the dossier as made.
    data = client.get(f"/api/dossiers/{dossier_id}", headers=_as(tokens, "ana")).json()
    assert [s["status"] for s in data["dossier"]["statuses"]] == ["draft", "draft"]
    assert data["dossier"]["shared_with"] == [] and len(data["dossier"]["evidence"]) == 3


def test_export_and_import_over_http(
    setup: tuple[TestClient, dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concord.dossier.keys import KeyRing

    client, tokens = setup
    monkeypatch.setenv("CONCORD_KEYS", str(tmp_path / "keys"))
    KeyRing().generate("server")
    dossier_id = _make(client, tokens)
    exported = client.post(
        f"/api/dossiers/{dossier_id}/export",
        headers=_as(tokens, "ana"),
        params={"signer": "server"},
    )
    assert exported.status_code == 200 and exported.content.startswith(b"PK")
    store = Store(f"sqlite:///{tmp_path / 'other.sqlite'}")
    accounts.add_user(store, "ana", "analyst", "correct horse battery staple", actor="setup")
    token = accounts.new_token(store, "ana", actor="setup")
    with TestClient(create_app(store, secret="s"), raise_server_exceptions=False) as other:
        headers = {"authorization": f"Bearer {token}"}
        done = other.post(
            "/api/dossiers/import", headers=headers, files={"file": ("pkg.zip", exported.content)}
        )
        assert done.status_code == 201, done.text
        assert done.json()["held"] == 3
        page = other.get(f"/dossiers/{dossier_id}", headers=headers)
        assert page.status_code == 200 and "John Doe" in page.text
        again = other.post(
            "/api/dossiers/import", headers=headers, files={"file": ("pkg.zip", exported.content)}
        )
        assert again.status_code == 409
        truncated = other.post(
            "/api/dossiers/import",
            headers=headers,
            files={"file": ("pkg.zip", exported.content[:500])},
        )
        assert truncated.status_code == 400 and "nothing stored" in truncated.text
