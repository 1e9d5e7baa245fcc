"""Regression tests of the security findings of issue 16, one or more per finding.

The app runs over the private copy of the resolved store (conftest.py); the entries judged
are real entries of the mirror. The hostile inputs (oversized bodies, lone surrogates,
control and bidi-override characters, forged X-Forwarded-For) are hand-made: no official
file holds a request.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi.testclient import TestClient

from concord.api import accounts, docs
from concord.api.app import create_app
from concord.api.limits import DEFAULT_BODY_LIMIT
from concord.api.throttle import client_address, trusted_proxies
from concord.store import Store
from tests.api.conftest import PASSWORD, sign_in

A, B = "us-ofac:23343", "gb-ofsi:13042"  # two real entries (Ramzan KADYROV, US and UK)
CHEN = {"schema": "Person", "properties": {"name": ["Chen Quanguo"]}}


def _match(names: list[str]) -> dict[str, object]:
    return {"queries": {"q": {"schema": "Person", "properties": {"name": names}}}}


# --- one anonymous request can freeze the server ------------------------------------


def test_ten_megabyte_match_request_is_refused_by_its_length(client: TestClient) -> None:
    body = (
        b'{"queries": {"q": {"schema": "Person", "properties": {"name": ["'
        + b"a" * (10 * 1024**2)
        + b'"]}}}}'
    )
    response = client.post(
        "/api/match/default", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["type"] == "too_large" and "at most 1,048,576 bytes" in error["message"]


def test_streamed_body_is_refused_once_past_the_limit(client: TestClient) -> None:
    sent = []

    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
        for _ in range(10):
            sent.append(1)
            yield b" " * (512 * 1024)

    response = client.post(
        "/api/match/default", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


def test_a_name_over_a_thousand_characters_is_refused(client: TestClient) -> None:
    response = client.post("/api/match/default", json=_match(["Chen " + "x" * 1000]))
    assert response.status_code == 422
    assert "longer than 1000 characters" in response.json()["error"]["message"]
    many = {"queries": {str(i): CHEN for i in range(101)}}
    assert client.post("/api/match/default", json=many).status_code == 422
    assert client.post("/api/match/default", json=_match(["Chen Quanguo"])).status_code == 200


@pytest.fixture()
def server(web_store: Store) -> Iterator[int]:
    """The app served by uvicorn on a free loopback port; yields the port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    config = uvicorn.Config(create_app(web_store, secret="s"), host="127.0.0.1", port=port,
                            log_level="warning", lifespan="off")  # fmt: skip
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    for _ in range(500):
        if instance.started:
            break
        time.sleep(0.01)
    yield port
    instance.should_exit = True
    thread.join(timeout=10)


def _answer(sock: socket.socket) -> bytes:
    sock.settimeout(20)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def test_real_server_refuses_before_the_body_is_sent(server: int) -> None:
    # The request announces 10 MB and sends none of it: an answer can only come from the
    # declared length (a server reading the body first would wait for it forever).
    with socket.create_connection(("127.0.0.1", server)) as sock:
        sock.sendall(
            b"POST /api/match/default HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/json\r\nContent-Length: 10485760\r\n\r\n"
        )
        assert _answer(sock).startswith(b"HTTP/1.1 413 ")
    # Chunked, without a length: refused after the first 2 MB, the rest never sent.
    with socket.create_connection(("127.0.0.1", server)) as sock:
        sock.sendall(
            b"POST /api/match/default HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        for _ in range(2):
            sock.sendall(b"100000\r\n" + b" " * 0x100000 + b"\r\n")
        assert _answer(sock).startswith(b"HTTP/1.1 413 ")
    # ...and the server still answers others.
    with socket.create_connection(("127.0.0.1", server)) as sock:
        sock.sendall(b"GET /api/me HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert _answer(sock).startswith(b"HTTP/1.1 200 ")


def test_uploads_have_their_own_larger_limit(client: TestClient) -> None:
    # The evidence route accepts 50 MiB files: 2 MiB is not refused for its size (but
    # as a malformed form, or for want of an account).
    response = client.post("/api/dossiers/x/evidence", content=b"x" * (2 * DEFAULT_BODY_LIMIT),
                           headers={"content-type": "multipart/form-data; boundary=b"})  # fmt: skip
    assert response.status_code in (400, 401, 403)


# --- a signed-out session still writes ------------------------------------------------


def test_logout_ends_the_session_on_the_server(client: TestClient) -> None:
    csrf = sign_in(client, "ana")
    old = dict(client.cookies)
    assert client.get("/api/me").json()["user"]["name"] == "ana"
    client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    client.cookies.clear()
    client.cookies.update(old)  # the copied cookie, replayed after signing out
    me = client.get("/api/me")
    assert me.status_code == 401 and "session has ended" in me.json()["error"]["message"]
    judged = client.post("/api/judgements", json={"a": A, "b": B, "verdict": "unsure"},
                         headers={"x-csrf-token": csrf})  # fmt: skip
    assert judged.status_code == 401


def test_password_change_ends_every_session(client: TestClient, web_store: Store) -> None:
    accounts.add_user(web_store, "pat", "analyst", PASSWORD, actor="test")
    sign_in(client, "pat")
    assert client.get("/api/me").json()["user"]["name"] == "pat"
    assert accounts.set_password(web_store, "pat", "another long password", actor="t") == 1
    assert client.get("/api/me").status_code == 401
    assert accounts.authenticate(web_store, "pat", "another long password") is not None


# --- sign-in throttling ------------------------------------------------------------------


def _login(client: TestClient, name: str, forwarded: str = "") -> int:
    from tests.api.conftest import csrf_of

    headers = {"x-forwarded-for": forwarded} if forwarded else {}
    data = {"username": name, "password": "not the password", "csrf_token": csrf_of(client)}
    return client.post("/login", data=data, headers=headers).status_code


def test_rotating_x_forwarded_for_does_not_reset_the_count(client: TestClient) -> None:
    codes = [_login(client, "ana", forwarded=f"198.51.100.{i}") for i in range(6)]
    assert codes == [401] * 5 + [429]


def test_one_password_sprayed_over_many_names_is_throttled(client: TestClient) -> None:
    codes = [_login(client, f"nobody{i}") for i in range(21)]
    assert codes[:20] == [401] * 20 and codes[20] == 429


def test_one_account_from_many_addresses_is_throttled(
    web_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONCORD_TRUSTED_PROXIES", "127.0.0.1")
    app = create_app(web_store, secret="test-secret")
    with TestClient(app, client=("127.0.0.1", 40000)) as proxied:
        codes = [_login(proxied, "ana", forwarded=f"203.0.113.{i}") for i in range(21)]
    # A trusted proxy's header is believed: 5 per address would never trip, 20 per name does.
    assert codes[:20] == [401] * 20 and codes[20] == 429


def test_client_address_believes_only_configured_proxies() -> None:
    assert trusted_proxies("") == []
    assert client_address("127.0.0.1", "1.2.3.4", trusted_proxies("")) == "127.0.0.1"
    proxies = trusted_proxies("10.0.0.0/8")
    assert client_address("10.1.2.3", "1.2.3.4, 10.9.9.9", proxies) == "1.2.3.4"
    assert client_address("192.0.2.1", "1.2.3.4", proxies) == "192.0.2.1"


# --- surrogates, control and bidi characters, headers ------------------------------------


def test_lone_surrogate_in_a_match_name_is_a_400(client: TestClient) -> None:
    body = b'{"queries": {"q": {"schema": "Person", "properties": {"name": ["\\ud800"]}}}}'
    response = client.post("/api/match/default", content=body,
                           headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 400
    assert "lone surrogate (U+D800)" in response.json()["error"]["message"]


def test_bad_characters_in_identifiers_and_notes_are_refused(client: TestClient) -> None:
    csrf = sign_in(client, "ana")
    headers = {"x-csrf-token": csrf, "content-type": "application/json"}
    bodies = {
        "judgement key, lone surrogate": (
            "/api/judgements", b'{"a": "\\ud800", "b": "gb-ofsi:13042", "verdict": "same"}'),
        "judgement note, bidi override": (
            "/api/judgements",
            '{"a": "us-ofac:23343", "b": "gb-ofsi:13042", "verdict": "unsure", '
            '"note": "ok \u202egnp.exe"}'.encode()),
        "customer id, NUL": (
            "/api/screen/decisions",
            b'{"customer_id": "c-1\\u0000", "target_id": "ct-x", "verdict": "true-match"}'),
    }  # fmt: skip
    for label, (path, body) in bodies.items():
        response = client.post(path, content=body, headers=headers)
        assert response.status_code == 400, (label, response.text)
        assert "which no field may contain" in response.json()["error"]["message"], label
    form = client.post("/screen/decisions", headers={"x-csrf-token": csrf},
                       data={"customer_id": "c\x00", "target_id": "t", "verdict": "v"})  # fmt: skip
    assert form.status_code == 400
    assert client.get("/api/screen?name=a%00b").status_code == 400
    assert client.get("/api/screen?name=%ED%A0%80").status_code == 400  # UTF-8 of U+D800


def test_real_names_in_many_scripts_pass(client: TestClient) -> None:
    names = ["Рамзан Кадыров", "陈全国", "محمد بن سلمان", "Chen Quanguo"]
    assert client.post("/api/match/default", json=_match(names)).status_code == 200


def test_every_response_carries_security_headers(client: TestClient) -> None:
    for path in ("/", "/api/overview", "/api/nowhere", "/static/concord.css", "/api/docs"):
        headers = client.get(path, headers={"accept": "text/html"}).headers
        assert headers["x-frame-options"] == "DENY", path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "same-origin", path
        assert "default-src 'self'" in headers["content-security-policy"], path
    # The documentation pages keep their own policy (Swagger UI runs an inline script).
    assert client.get("/api/docs").headers["content-security-policy"] == docs.POLICY
    assert client.get("/api/redoc").headers["content-security-policy"] == docs.POLICY
    page = client.get("/", headers={"accept": "text/html"}).headers
    assert "frame-ancestors 'none'" in page["content-security-policy"]


def test_concord_serve_believes_forwarded_headers_only_from_configured_proxies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from concord.cli.web_cmds import proxy_options

    monkeypatch.delenv("CONCORD_TRUSTED_PROXIES", raising=False)
    assert proxy_options() == {"proxy_headers": False, "forwarded_allow_ips": None}
    monkeypatch.setenv("CONCORD_TRUSTED_PROXIES", "10.0.0.5")
    assert proxy_options() == {"proxy_headers": True, "forwarded_allow_ips": "10.0.0.5"}
