"""Accounts, sessions, CSRF, API tokens, writes and the audit log.

The accounts (ada admin, ana analyst, vic viewer) are made by conftest.py; the entries
judged are real entries of the mirror.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from concord.api import accounts
from concord.api.app import create_app
from concord.cli.main import cli
from concord.resolve import judgements
from concord.store import Store, audit
from tests.api.conftest import PASSWORD, app_routes, csrf_of, sign_in

A, B = "us-ofac:23343", "gb-ofsi:13042"  # two real entries (Ramzan KADYROV, US and UK)
READ_ONLY_POSTS = {"/api/match/{dataset}"}  # screening reads: yente's /match needs no account


def _write_routes(client: TestClient) -> list[tuple[str, str]]:
    routes = app_routes(client.app)  # type: ignore[arg-type]
    return [(m, p) for m, p in routes if m not in ("GET", "HEAD") and p not in READ_ONLY_POSTS]


def test_every_write_route_refuses_anonymous(client: TestClient) -> None:
    found = _write_routes(client)
    assert {
        ("POST", "/api/judgements"),
        ("POST", "/targets/{ref}/judgements"),
        ("POST", "/login"),
        ("POST", "/logout"),
    } <= set(found)
    for method, path in found:
        url = re.sub(r"\{[^}]+\}", "x", path)
        for kwargs in (
            {},
            {"json": {"a": A, "b": B, "verdict": "same"}},
            {"data": {"a": A, "b": B, "verdict": "same"}},
        ):
            response = client.request(method, url, **kwargs)  # type: ignore[arg-type]
            assert response.status_code in (401, 403), (method, path, response.text)
            assert response.json()["error"]["message"]


def test_sign_in_and_out(client: TestClient) -> None:
    token = csrf_of(client)
    bad = client.post(
        "/login",
        data={"username": "ana", "password": "wrong password!", "csrf_token": token},
        headers={"accept": "text/html"},
    )
    assert bad.status_code == 401 and "Wrong user name or password" in bad.text
    response = client.post(
        "/login",
        data={
            "username": "ana",
            "password": PASSWORD,
            "csrf_token": csrf_of(client),
            "next": "/audit",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/audit"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    assert client.get("/api/me").json() == {
        "user": {"name": "ana", "role": "analyst"},
        "via": "session",
    }
    logout = client.post(
        "/logout", data={"csrf_token": csrf_of(client, "/")}, follow_redirects=False
    )
    assert logout.status_code == 303
    assert client.get("/api/me").json()["user"] is None


def test_cookie_is_secure_over_https(web_store: Store) -> None:
    client = TestClient(create_app(web_store, secret="s"), base_url="https://testserver")
    assert "secure" in client.get("/login").headers["set-cookie"].lower()


def test_repeated_wrong_passwords_are_refused_for_a_while(web_store: Store) -> None:
    client = TestClient(create_app(web_store, secret="s"))  # a fresh app: a fresh throttle

    def attempt(name: str, password: str) -> int:
        data = {"username": name, "password": password, "csrf_token": csrf_of(client)}
        return client.post("/login", data=data, follow_redirects=False).status_code

    assert [attempt("ana", f"guess {n}") for n in range(5)] == [401] * 5
    assert attempt("ana", PASSWORD) == 429  # even the right password, for a while
    data = {"username": "ana", "password": PASSWORD, "csrf_token": csrf_of(client)}
    refused = client.post("/login", data=data).json()["error"]
    assert refused["type"] == "too_many_attempts" and "try again in" in refused["message"]
    assert attempt("ada", PASSWORD) == 303  # another user name is not held up


def test_sign_in_needs_csrf_and_stays_on_site(client: TestClient) -> None:
    data = {"username": "ana", "password": PASSWORD}
    assert client.post("/login", data=data).status_code == 403
    response = client.post(
        "/login",
        data={**data, "csrf_token": csrf_of(client), "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_form_judgement_needs_csrf_and_role(client: TestClient, web_store: Store) -> None:
    form = {"a": A, "b": B, "verdict": "unsure", "note": "web test"}
    token = sign_in(client, "vic")
    refused = client.post(f"/targets/{A}/judgements", data={**form, "csrf_token": token})
    assert refused.status_code == 403 and "analyst" in refused.json()["error"]["message"]
    token = sign_in(client, "ana")
    assert client.post(f"/targets/{A}/judgements", data=form).status_code == 403
    wrong = client.post(f"/targets/{A}/judgements", data={**form, "csrf_token": "forged"})
    assert wrong.status_code == 403 and "CSRF" in wrong.json()["error"]["message"]
    done = client.post(
        f"/targets/{A}/judgements", data={**form, "csrf_token": token}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"].startswith(f"/targets/{A}")
    assert judgements.current(web_store)[(B, A) if B < A else (A, B)].author == "ana"
    row = audit.entries(web_store, limit=1)[0]
    assert (row["actor"], row["action"], row["after"]["verdict"]) == (
        "ana",
        "judgement.record",
        "unsure",
    )
    page = client.get(f"/targets/{A}", headers={"accept": "text/html"}).text
    assert "web test" in page and 'name="csrf_token"' in page


def test_api_token_judgement_and_audit(client: TestClient, web_store: Store) -> None:
    token = accounts.new_token(web_store, "ana", actor="test")
    auth = {"Authorization": f"Bearer {token}"}
    body = {"a": A, "b": B, "verdict": "same", "note": "same date of birth"}
    first = client.post("/api/judgements", json=body, headers=auth)
    assert first.status_code == 201 and first.json()["author"] == "ana"
    second = client.post("/api/judgements", json={**body, "verdict": "different"}, headers=auth)
    assert second.status_code == 201
    log = client.get("/api/audit", params={"action": "judgement.record"}, headers=auth).json()
    newest = log["entries"][0]
    assert newest["before"]["verdict"] == "same" and newest["after"]["verdict"] == "different"
    assert (
        client.post(
            "/api/judgements", json=body, headers={"Authorization": "Bearer cc_not-a-token"}
        ).status_code
        == 401
    )
    viewer = {"Authorization": f"Bearer {accounts.new_token(web_store, 'vic', actor='test')}"}
    assert client.post("/api/judgements", json=body, headers=viewer).status_code == 403
    assert client.get("/api/audit", headers=viewer).status_code == 403
    assert (
        client.get("/audit", headers={"accept": "text/html"}, follow_redirects=False).status_code
        == 303
    )


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"a": A, "b": B, "verdict": "maybe"}, 422),
        ({"a": A, "verdict": "same"}, 422),
        ({"a": A, "b": A, "verdict": "same"}, 400),
        ({"a": A, "b": "us-ofac:0", "verdict": "same"}, 404),
        ({"a": "kadyrov", "b": B, "verdict": "same"}, 400),
    ],
)
def test_bad_judgements(
    client: TestClient, web_store: Store, body: dict[str, str], status: int
) -> None:
    auth = {"Authorization": f"Bearer {accounts.new_token(web_store, 'ana', actor='test')}"}
    response = client.post("/api/judgements", json=body, headers=auth)
    assert response.status_code == status
    assert response.json()["error"]["message"] and "Traceback" not in response.text


def test_malformed_json_body(client: TestClient, web_store: Store) -> None:
    auth = {
        "Authorization": f"Bearer {accounts.new_token(web_store, 'ana', actor='test')}",
        "content-type": "application/json",
    }
    response = client.post("/api/judgements", content=b"{not json", headers=auth)
    assert response.status_code == 422 and response.json()["error"]["type"] == "invalid_request"


def test_audit_page(client: TestClient) -> None:
    sign_in(client, "ada")
    page = client.get("/audit", headers={"accept": "text/html"}).text
    assert "user.add" in page and "test-setup" in page


def test_removed_user_loses_session(client: TestClient, web_store: Store) -> None:
    accounts.add_user(web_store, "temp", "analyst", PASSWORD, actor="test")
    sign_in(client, "temp")
    assert client.get("/api/me").json()["user"]["name"] == "temp"
    accounts.remove_user(web_store, "temp", actor="test")
    assert client.get("/api/me").json()["user"] is None


def test_user_commands(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'accounts.sqlite'}"
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
        result = runner.invoke(cli, ["--database", url, "user", *args], input=stdin)
        return result.exit_code, result.output

    assert run("add", "olga", "--role", "analyst", "--password-stdin", stdin=PASSWORD + "\n") == (
        0,
        "user olga added (analyst)\n",
    )
    assert run("add", "olga", "--role", "admin", "--password-stdin", stdin=PASSWORD)[0] == 4
    assert run("add", "pat", "--role", "viewer", "--password-stdin", stdin="short")[0] == 2
    assert run("role", "olga", "admin") == (0, "user olga is now admin\n")
    code, token = run("token", "olga")
    store = Store(url)
    assert code == 0 and accounts.user_for_token(store, token.strip()) == accounts.User(
        "olga", "admin"
    )
    assert "olga" in run("list", "--format", "csv")[1]
    assert run("remove", "olga") == (0, "user olga removed\n")
    assert run("remove", "olga")[0] == 3
    assert accounts.user_for_token(store, token.strip()) is None
    actions = [r["action"] for r in audit.entries(store)]
    assert actions == ["user.remove", "token.add", "user.role", "user.add"]
    assert all(r["actor"].startswith("cli:") for r in audit.entries(store))


def test_cli_judgement_is_in_the_audit_log_with_its_user(
    client: TestClient, web_store: Store
) -> None:
    """A write on the command line is audited like one on the web: `concord judge --by`
    names the user, and an analyst sees the row on /audit."""
    result = CliRunner().invoke(cli, ["--database", web_store.url, "judge", A, B, "different",
                                      "--note", "cli audit test", "--by", "maria"])  # fmt: skip
    assert result.exit_code == 0, result.output
    row = audit.entries(web_store, limit=1)[0]
    assert (row["actor"], row["action"], row["subject"]) == ("maria", "judgement.record",
                                                            f"{B} ~ {A}")  # fmt: skip
    assert row["after"]["note"] == "cli audit test"
    sign_in(client, "ana")
    page = client.get("/audit", headers={"accept": "text/html"}).text
    assert "maria" in page and "judgement.record" in page
