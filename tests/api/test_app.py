"""The web application's read routes: every page, its JSON twin, and error answers.

Real data: the resolved store of the whole mirror (a private copy, see conftest.py).
"""

from __future__ import annotations

import time
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from concord.api.app import create_app
from concord.ingest import ingest_files
from concord.model.regimes import registry
from concord.sources.registry import sources
from concord.store import Store, queries
from tests.api.conftest import app_routes, sign_in
from tests.conftest import BAD

KADYROV = "us-ofac:23343"  # Ramzan KADYROV: listed by the US, UK, Australia and Canada
HTML = {"accept": "text/html"}

# One sample URL per route of the app: a test checks that every route is listed here.
SAMPLES = {
    "/": "/",
    "/api/overview": "/api/overview",
    "/sources": "/sources",
    "/api/sources": "/api/sources",
    "/regimes": "/regimes?magnitsky=true",
    "/api/regimes": "/api/regimes",
    "/regimes/{key}": "/regimes/US-GLOMAG",
    "/api/regimes/{key}": "/api/regimes/GB-HR",
    "/targets": "/targets?q=kadyrov",
    "/api/targets": "/api/targets?q=kadyrov",
    "/targets/{ref}": f"/targets/{KADYROV}",
    "/api/targets/{ref}": f"/api/targets/{KADYROV}",
    "/coverage": "/coverage?jurisdiction=UK&country=RU",
    "/api/coverage": "/api/coverage?regimes=all&page=2&per_page=50",
    "/gaps": "/gaps?grounds=corruption",
    "/api/gaps": "/api/gaps",
    "/gaps/{leader}/{missing}": "/gaps/US/UK?since=2020-01-01",
    "/api/gaps/{leader}/{missing}": "/api/gaps/US/CA?country=CN",
    "/screen": "/screen?name=Ramzan+Kadyrov",
    "/api/screen": "/api/screen?name=Chen+Quanguo&dob=1955",
    "/login": "/login",
    "/api/me": "/api/me",
    "/watch": "/watch?jurisdiction=US",
    "/api/watch": "/api/watch?status=open",
    "/api/changes": "/api/changes?since=2024-01-01&source=us-ofac",
}
# Writes and restricted pages: covered in test_auth.py and test_screen_pages.py.
COVERED_ELSEWHERE = {
    "/api/screen/decisions",
    "/screen/decisions",
    "/audit",
    "/api/audit",
    "/api/judgements",
    "/targets/{ref}/judgements",
    "/logout",
}
COVERED_IN_TEST_MATCH = {"/api/match/{dataset}"}  # the screening colleague's tests
COVERED_IN_TEST_CHANGES = {  # tests/changes/
    "/api/diff/{source}/{day1}/{day2}", "/api/targets/{ref}/history",
    "/api/feeds/designations.{fmt}", "/feeds/designations.{fmt}",
}  # fmt: skip
COVERED_IN_TEST_DOSSIERS = {  # tests/dossier/test_api.py
    "/api/dossiers", "/dossiers", "/api/dossiers/{dossier_id}", "/dossiers/{dossier_id}",
    "/api/dossiers/{dossier_id}/status", "/dossiers/{dossier_id}/status",
    "/api/dossiers/{dossier_id}/share", "/api/dossiers/{dossier_id}/evidence",
    "/dossiers/{dossier_id}/evidence", "/api/dossiers/{dossier_id}/evidence/{sha256}",
    "/api/dossiers/{dossier_id}/summary", "/api/dossiers/{dossier_id}/export",
    "/api/dossiers/import", "/dossiers/import", "/api/dossiers/{dossier_id}/edit",
    "/dossiers/{dossier_id}/edit", "/dossiers/{dossier_id}/export",  # + test_web.py
}  # fmt: skip


def test_every_route_is_covered(client: TestClient) -> None:
    paths = {path for _method, path in app_routes(client.app)}  # type: ignore[arg-type]
    assert "/api/targets/{ref}" in paths
    covered = (COVERED_ELSEWHERE | COVERED_IN_TEST_MATCH | COVERED_IN_TEST_DOSSIERS
               | COVERED_IN_TEST_CHANGES)  # fmt: skip
    assert paths - set(SAMPLES) - covered == set()


@pytest.mark.parametrize("route", sorted(SAMPLES))
def test_page_and_twin(client: TestClient, route: str) -> None:
    url = SAMPLES[route]
    response = client.get(url, headers=HTML if not url.startswith("/api/") else {})
    assert response.status_code == 200, response.text
    if url.startswith("/api/"):
        assert response.headers["content-type"].startswith("application/json")
        assert isinstance(response.json(), dict)
    else:
        text = response.text
        assert text.startswith("<!doctype html>")
        assert 'href="#main"' in text and '<main id="main"' in text  # skip link
        assert "<script" not in text  # works without JavaScript


def test_page_and_twin_share_data(client: TestClient, web_store: Store) -> None:
    data = client.get("/api/overview").json()
    summary = queries.sources_summary(web_store)
    assert data["totals"]["entries"] == sum(r["entries"] for r in summary) > 20000
    assert data["totals"]["targets_in_two_or_more_lists"] > 1000
    page = client.get("/", headers=HTML).text
    assert f"{data['totals']['entries']:,}" in page
    for row in summary:
        assert f'<th scope="row">{row["source"]}</th>' in page


def test_target_page(client: TestClient) -> None:
    data = client.get(f"/api/targets/{KADYROV}").json()
    keys = {e["entry_key"] for e in data["entries"]}
    assert KADYROV in keys and {"gb-ofsi", "au-dfat"} <= {k.split(":")[0] for k in keys}
    us = next(e for e in data["entries"] if e["entry_key"] == KADYROV)
    assert "US-GLOMAG" in {d["regime"] for d in us["designations"]}
    assert us["official_urls"] == list(sources()["us-ofac"].urls)
    assert us["history"][0]["change"] == "first seen"
    uk = next(e for e in data["entries"] if e["source"] == "gb-ofsi")
    assert any(d["reasons"] for d in uk["designations"])  # the UK gives its reasons
    assert data["evidence"] and all(p["features"] for p in data["evidence"])
    page = client.get(f"/targets/{data['target_id']}", headers=HTML).text
    assert "KADYROV" in page and "Evidence that joined the entries" in page
    assert "Sign in</a> as an analyst" in page  # no judgement form for anonymous readers


def test_regime_page_counts_agree(client: TestClient) -> None:
    rows = {r["key"]: r for r in client.get("/api/regimes").json()["regimes"]}
    assert set(rows) == {r.key for r in registry()}
    one = client.get("/api/regimes/US-GLOMAG").json()
    assert one["regime"]["designations"] == len(one["entries"]) == rows["US-GLOMAG"]["designations"]
    assert one["regime"]["instrument"].startswith("Executive Order 13818")
    assert any(e["entry_key"] == KADYROV for e in one["entries"])
    magnitsky = client.get("/api/regimes?magnitsky=true").json()["regimes"]
    assert {r["key"] for r in magnitsky} == registry().magnitsky_keys()


def test_search(client: TestClient) -> None:
    found = client.get("/api/targets", params={"q": "KADYROV"}).json()["targets"]
    assert any(KADYROV in t["entries"] for t in found)
    by_key = client.get("/api/targets", params={"q": KADYROV}).json()["targets"]
    assert [k for t in by_key for k in t["entries"]] == [KADYROV]
    assert "No target matches" in client.get("/targets?q=zzzqqq", headers=HTML).text
    # Any script or word order, through the screening name index: us-ofac:29220 is CHEN,
    # Quanguo; us-ofac:29219 ZHU, Hailun (us-ofac/2021-04-25/sdn.csv).
    page = client.get("/targets", params={"q": "陈全国"}, headers=HTML).text
    assert "us-ofac:29220" in page
    zhu = client.get("/api/targets", params={"q": "zhu hailun"}).json()["targets"]
    assert "us-ofac:29219" in zhu[0]["entries"]
    fragment = client.get("/api/targets", params={"q": "Quangu"}).json()["targets"]
    assert any("us-ofac:29220" in t["entries"] for t in fragment)


def test_sources_page_shows_refused_files(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'refused.sqlite'}")
    ingest_files(store, "us-ofac", date(2024, 5, 4), [BAD / "us-ofac-2024-05-04-empty-sdn.csv"])
    client = TestClient(create_app(store, secret="s"), raise_server_exceptions=False)
    data = client.get("/api/sources").json()
    assert [s["status"] for s in data["refused"]] == ["refused"]
    reason = data["refused"][0]["message"]
    assert reason and reason in client.get("/sources", headers=HTML).text


@pytest.mark.parametrize(
    ("url", "status", "kind"),
    [
        ("/api/targets/us-ofac:0", 404, "not_found"),
        ("/api/regimes/NO-SUCH", 404, "not_found"),
        ("/api/targets?q=a", 400, "bad_input"),
        ("/api/regimes?magnitsky=perhaps", 422, "invalid_request"),
        ("/api/nothing-here", 404, "not_found"),
    ],
)
def test_bad_requests_get_json_errors(client: TestClient, url: str, status: int, kind: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["type"] == kind and error["message"]
    assert "Traceback" not in response.text


def test_wrong_method_is_json(client: TestClient) -> None:
    response = client.delete("/api/overview")
    assert response.status_code == 405
    assert response.json()["error"]["type"] == "method_not_allowed"


def test_browser_gets_error_page(client: TestClient) -> None:
    response = client.get("/targets/us-ofac:0", headers=HTML)
    assert response.status_code == 404
    assert "no target" in response.text and response.text.startswith("<!doctype html>")


def test_unexpected_error_is_500_without_trace(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'broken.sqlite'}")
    with store.begin() as conn:  # a damaged database: a table the app reads has gone
        conn.exec_driver_sql("DROP TABLE snapshots")
    client = TestClient(create_app(store, secret="s"), raise_server_exceptions=False)
    response = client.get("/api/sources")
    assert response.status_code == 500
    assert response.json()["error"]["type"] == "internal"
    assert "Traceback" not in response.text and "snapshots" not in response.text


def test_openapi(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    assert {"/api/overview", "/api/targets/{ref}", "/api/judgements"} <= set(spec["paths"])
    assert all(p.startswith("/api/") for p in spec["paths"])  # pages stay out of the API
    assert "swagger" in client.get("/api/docs").text.lower()


def test_pages_render_fast(client: TestClient) -> None:
    # A guard against slow query plans (an entry's designations took 0.5 s before ANALYZE);
    # the budget is loose because the test machine is shared. Figures: docs/web.md.
    for url in ("/", "/sources", "/regimes", "/regimes/US-GLOMAG", f"/targets/{KADYROV}"):
        client.get(url, headers=HTML)
        started = time.perf_counter()
        assert client.get(url, headers=HTML).status_code == 200
        assert time.perf_counter() - started < 1.0, url


class _Controls(HTMLParser):
    """Form controls, labels and header cells of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.labelled: set[str] = set()
        self.open_labels = 0
        self.headers: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "label":
            self.open_labels += 1
            if found.get("for"):
                self.labelled.add(str(found["for"]))
        elif tag in ("input", "select", "textarea") and found.get("type") != "hidden":
            self.controls.append({**found, "wrapped": "yes" if self.open_labels else None})
        elif tag == "th":
            self.headers.append(found)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.open_labels -= 1


@pytest.mark.parametrize("route", [r for r in sorted(SAMPLES) if not r.startswith("/api/")])
def test_pages_are_accessible(client: TestClient, route: str) -> None:
    sign_in(client, "ana")  # an analyst sees every form: judgements, screening decisions
    page = _Controls()
    page.feed(client.get(SAMPLES[route], headers=HTML).text)
    for control in page.controls:  # every field has a label (by `for`, or around it)
        assert control["wrapped"] or control.get("id") in page.labelled, control
    assert all(h.get("scope") in ("col", "row") for h in page.headers)


def test_hostile_references_are_refused_or_taken_literally(client: TestClient) -> None:
    # Hand-made hostile inputs (no real file has them): a NUL character, LIKE wildcards.
    nul = client.get("/api/targets/%00")
    assert nul.status_code == 400 and nul.json()["error"]["type"] == "bad_input"
    wildcards = client.get("/api/targets?q=%25%25%25").json()
    assert wildcards["targets"] == []  # '%' is a character to find, not "anything"
    assert client.get("/api/targets/%25%25").status_code == 404
