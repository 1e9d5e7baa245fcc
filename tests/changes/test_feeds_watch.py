"""Feeds (parsed with feedparser; JSON Feed 1.1 fields), the coordination watch, the API
and the /watch page, on the real snapshots of `changes_store`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import feedparser
from click.testing import CliRunner
from fastapi.testclient import TestClient

from concord.analysis.frame import load_frame
from concord.analysis.watch import WatchQuery, watch_report
from concord.cli.main import cli
from concord.store import Store


def test_atom_feed_parses_with_stable_ids(changes_client: TestClient) -> None:
    response = changes_client.get(
        "/feeds/designations.atom?jurisdiction=US&regime=US-GLOMAG&since=2023-12-11"
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    ids = [e.id for e in parsed.entries]
    assert "tag:concord.sanctions,2026:designation/us-ofac:44196/US-GLOMAG" in ids
    assert all(i.startswith("tag:") for i in ids) and len(ids) == len(set(ids))
    assert parsed.entries[0].updated.startswith("2023-12-11")  # newest first
    url = "/feeds/designations.atom?jurisdiction=US&since=2023-12-11&regime=US-GLOMAG"
    again = feedparser.parse(changes_client.get(url).content)
    assert [e.id for e in again.entries] == ids


def test_json_feed_has_the_1_1_required_fields(changes_client: TestClient) -> None:
    response = changes_client.get("/feeds/designations.json?jurisdiction=UK&ground=corruption")
    assert response.status_code == 200
    feed = response.json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["items"]
    for item in feed["items"]:
        assert isinstance(item["id"], str) and ("content_text" in item or "content_html" in item)
        assert item["_concord"]["jurisdiction"] == "UK"
        date.fromisoformat(item["date_published"][:10])


def test_feed_filter_by_country_and_cli_file(changes_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "feed.atom"
    result = CliRunner().invoke(
        cli,
        [
            "--database",
            changes_store.url,
            "feed",
            "--format",
            "atom",
            "--out",
            str(out),
            "--target-country",
            "BG",
        ],
    )
    assert result.exit_code == 0, result.output
    parsed = feedparser.parse(out.read_bytes())
    assert not parsed.bozo and parsed.entries
    assert any("PEEVSKI" in e.title for e in parsed.entries)
    result = CliRunner().invoke(cli, ["--database", changes_store.url, "feed", "--format",
                                      "json", "--ground", "human_rights"])  # fmt: skip
    assert json.loads(result.output)["version"] == "https://jsonfeed.org/version/1.1"


def test_watch_closed_with_lag_and_still_open(changes_store: Store) -> None:
    report = watch_report(changes_store, load_frame(changes_store), WatchQuery())
    assert report["as_of"] == "2025-05-25"  # the newest snapshot held (Canada's)
    items = {r["entry_key"]: r for r in report["items"]}
    # PEEVSKI: in the US list (GLOMAG) by 2022-12-08; OFSI states GB-AC on 2023-02-10.
    peevski = items["us-ofac:32059"]
    assert (peevski["status"], peevski["closed_by"], peevski["closed_on"]) == (
        "closed",
        "UK",
        "2023-02-10",
    )
    assert peevski["lag_min"] == 64 and peevski["not_matched_by"] == "CA"
    assert peevski["order_certain"]
    # STEPANOVA: Canada's own date 2017-11-03 leads, but the US entry (MAGNIT) is known only
    # as listed on or before 2022-12-08 in this store: the order is not certain.
    stepanova = items["ca-sema:JVCFOR:44"]
    assert stepanova["closed_by"] == "UK" and stepanova["lag"] == "1270"
    assert not stepanova["order_certain"]
    # ZHUO Xinrong: US GLOMAG on 2022-12-09, matched by neither list held.
    zhuo = items["us-ofac:33674"]
    assert (zhuo["status"], zhuo["listed"], zhuo["not_matched_by"]) == ("open", "2022-12-09",
                                                                        "UK, CA")  # fmt: skip
    assert zhuo["days_open"] == (date(2025, 5, 25) - date(2022, 12, 9)).days
    assert not zhuo["days_open_at_least"] and zhuo["sanctioned_otherwise"] == ""
    # MADURO MOROS: Canada's JVCFOA listing is matched by no Magnitsky-class designation,
    # but the US sanctions him under VENEZUELA and IRAN-CON-ARMS-EO (us-ofac/2022-12-08,
    # entry 22790): the row says so rather than leaving the US a blank.
    maduro = items["ca-sema:JVCFOR:1"]
    assert maduro["status"] == "open" and "US" in maduro["not_matched_by"]
    assert maduro["sanctioned_otherwise"] == "US (US-IRAN-CON-ARMS-EO, US-VEN)"
    before = watch_report(changes_store, load_frame(changes_store),
                          WatchQuery(as_of=date(2023, 1, 1), jurisdictions=("US",)))  # fmt: skip
    early = {r["entry_key"]: r for r in before["items"]}
    assert early["us-ofac:32059"]["status"] == "open"


def test_watch_cli_page_and_api(changes_store: Store, changes_client: TestClient) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "--database",
            changes_store.url,
            "watch",
            "--status",
            "open",
            "--jurisdiction",
            "US",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "ZHUO, Xinrong" in result.output and "PEEVSKI" not in result.output
    page = changes_client.get("/watch?status=closed", headers={"accept": "text/html"})
    assert page.status_code == 200 and "PEEVSKI" in page.text and 'href="/watch"' in page.text
    api = changes_client.get("/api/watch", params={"as_of": "2023-01-01"}).json()
    assert api["as_of"] == "2023-01-01" and api["open"] > 0
    bad = changes_client.get("/api/watch", params={"as_of": "someday"})
    assert bad.status_code == 400


def test_changes_diff_and_history_api(changes_client: TestClient) -> None:
    found = changes_client.get("/api/changes", params={"since": "2023-12-09",
                                                       "until": "2023-12-31",
                                                       "source": "us-ofac"}).json()  # fmt: skip
    assert [s["added"] for s in found["snapshots"]] == [46]
    diff = changes_client.get("/api/diff/us-ofac/2022-12-08/2022-12-09").json()
    assert diff["summary"]["added"] == 217 and diff["summary"]["amended"] == 1
    history = changes_client.get("/api/targets/us-ofac:33674/history").json()
    assert any(e["kind"] == "added" and e["date"] == "2022-12-09" for e in history["events"])
    assert changes_client.get("/api/targets/us-ofac:0/history").status_code == 404


def test_target_page_has_a_changes_section(changes_client: TestClient) -> None:
    page = changes_client.get("/targets/us-ofac:19029", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert 'id="changes"' in page.text
    assert "MURATOV, Aleksey → MURATOV, Aleksey Valentinovich" in page.text
    data = changes_client.get("/api/targets/us-ofac:19029").json()
    assert [(c["kind"], c["date"]) for c in data["changes"]] == [
        ("added", "2022-12-08"),
        ("amended", "2022-12-09"),
    ]


def test_feed_routes_outside_api_stay_out_of_the_openapi(changes_client: TestClient) -> None:
    paths = set(changes_client.get("/api/openapi.json").json()["paths"])
    assert "/api/feeds/designations.{fmt}" in paths and "/api/watch" in paths
    assert all(p.startswith("/api/") for p in paths)
    assert changes_client.get("/api/feeds/designations.rss").status_code == 404
