# ruff: noqa: F811  (the fixtures `client` and `web_store` are imported, then taken)
"""The gap pages as an NGO uses them (real whole-mirror store, the web app's shared fixture):
the filters of `concord gaps`, since when each gap is open and for how many days, the
possible match with its key, score and why, a link per row to the target, and the same
columns in the CSV and XLSX files; and the coverage page's columns."""

from __future__ import annotations

import csv
import io
import re

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from concord.analysis.frame import Filter, load_frame
from concord.analysis.gaps import GapQuery, gaps
from concord.store import Store
from concord.web.analysis_views import newest_snapshot_day
from tests.api.conftest import client, web_store  # noqa: F401  (the shared fixtures)

HTML = {"accept": "text/html"}
EXPORT = ("target_url", "gap_open_since", "days_open", "days_open_range", "reason",
          "possible_match_entry", "possible_match_score", "possible_match_why")  # fmt: skip


def test_gap_index_form_opens_a_gap_list_with_the_filters_kept(client: TestClient) -> None:
    page = client.get("/gaps", headers=HTML).text
    assert 'name="designated_by"' in page
    for code in ("US", "UK", "CA", "AU"):
        assert f'name="missing" value="{code}"' in page
    got = client.get("/gaps", params=[("designated_by", "us"), ("missing", "UK"),
                                      ("missing", "ca"), ("since", "2021-01-01"),
                                      ("grounds", "human_rights"), ("country", "")],
                     follow_redirects=False)  # fmt: skip
    assert got.status_code == 303
    assert got.headers["location"] == "/gaps/US/UK,CA?since=2021-01-01&grounds=human_rights"
    half = client.get("/gaps", params={"designated_by": "US"})
    assert half.status_code == 400 and "one or more that do not" in half.json()["error"]["message"]


def test_several_missing_jurisdictions_agree_with_the_library(
    client: TestClient,
    web_store: Store,
) -> None:
    expected = gaps(load_frame(web_store), GapQuery("US", ("UK", "CA"), Filter()))
    data = client.get("/api/gaps/US/UK,CA").json()
    assert data["missing"] == "UK,CA" and data["total"] == len(expected)
    assert {r["missing"] for r in data["rows"]} == {"UK", "CA"}
    page = client.get("/gaps/US/UK,CA", headers=HTML).text
    assert "<h1>Designated by US, not by UK, CA</h1>" in page


def test_gap_open_since_and_days_open(client: TestClient, web_store: Store) -> None:
    data = client.get("/api/gaps/UK/CA").json()
    newest = newest_snapshot_day(web_store)
    assert newest is not None and data["age_as_of"] == newest.isoformat()
    # UK: AL ASIRI, Global Human Rights, designated 6 July 2020 (the date the OFSI file
    # states); no Canadian listing of him.
    [row] = [r for r in data["rows"] if r["entry_key"] == "gb-ofsi:13894"]
    assert row["regime"] == "GB-HR" and row["open_since"] == "2020-07-06"
    days = (newest - newest.replace(2020, 7, 6)).days
    assert row["days_open"] == days and row["days_open_text"] == f"{days:,}"
    # A US listing known only between two snapshots: its age is a range, fewest first.
    us = client.get("/api/gaps/US/UK").json()
    [alisov] = [r for r in us["rows"] if r["entry_key"] == "us-ofac:16397"]
    assert alisov["open_since"] == "2012-12-14..2015-01-17"
    low, high = (int(x.replace(",", "")) for x in alisov["days_open_text"].split("-"))
    assert low == alisov["days_open"] == (newest - newest.replace(2015, 1, 17)).days
    assert high == (newest - newest.replace(2012, 12, 14)).days
    dated = client.get("/api/gaps/UK/CA", params={"as_of": "2024-01-01"}).json()
    [then] = [r for r in dated["rows"] if r["entry_key"] == "gb-ofsi:13894"]
    assert dated["age_as_of"] == "2024-01-01" and then["days_open"] == 1274


def test_filters_regime_country_and_ground(client: TestClient) -> None:
    whole = client.get("/api/gaps/US/UK").json()
    assert whole["regimes"] == ["US-GLOMAG", "US-MAGNITSKY"]
    glomag = client.get("/api/gaps/US/UK", params={"regime": "us-glomag"}).json()
    assert {r["regime"] for r in glomag["rows"]} == {"US-GLOMAG"}
    assert 0 < glomag["total"] < whole["total"]
    assert client.get("/api/gaps/US/UK", params={"regime": "GB-HR"}).status_code == 400
    china = client.get("/api/gaps/US/UK", params={"country": "cn"}).json()
    assert 0 < china["total"] < whole["total"] and {r["country"] for r in china["rows"]} == {"CN"}
    corruption = client.get("/api/gaps/US/UK", params={"grounds": "corruption"}).json()
    assert corruption["unstated"] > 0
    page = client.get("/gaps/US/UK?regime=US-GLOMAG", headers=HTML).text
    assert '<option value="US-GLOMAG" selected>' in page


def test_possible_match_reason_and_target_links_on_the_page(client: TestClient) -> None:
    page = client.get("/gaps/US/UK", headers=HTML).text
    # AL ASIRI: US and UK records kept apart (birth dates 1966 and 1952), shown as possible.
    start = page.index("us-ofac:31162")
    row = page[page.rindex("<tr>", 0, start) : page.index("</tr>", start)]
    assert "gb-ofsi:13894" in row and "score 0.269" in row and "why: " in row
    assert "birth_date" in row and "conflict" in row
    assert re.search(r'<a href="/targets/ct-[0-9a-f]+">AL ASIRI, Ahmad Hassan Mohammed</a>', row)
    uk = client.get("/gaps/UK/CA", headers=HTML).text
    rows = uk.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>")
    assert rows == uk.count('<td class="num">', uk.index("<tbody>")) == 114
    assert uk.count("<details><summary>") == 114  # every UK row states its reason


def test_downloads_carry_the_page_columns(client: TestClient) -> None:
    data = client.get("/api/gaps/US/UK").json()
    got = client.get("/gaps/US/UK", params={"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert len(rows) == data["total"] and set(EXPORT) <= set(rows[0])
    [asiri] = [r for r in rows if r["entry_key"] == "us-ofac:31162"]
    assert asiri["possible_match_entry"] == "gb-ofsi:13894"
    assert asiri["possible_match_score"] == "0.269" and "conflict" in asiri["possible_match_why"]
    assert asiri["target_url"].endswith(f"/targets/{asiri['target_id']}")
    assert asiri["gap_open_since"] == "2021-01-15..2021-04-25"
    got = client.get("/gaps/US/UK,CA", params={"format": "xlsx", "regime": "US-GLOMAG"})
    assert 'filename="gaps-US-not-UK-CA.xlsx"' in got.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(got.content)).active
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert set(EXPORT) <= set(header)
    regimes = {row[header.index("regime")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert regimes == {"US-GLOMAG"}


def test_coverage_shows_every_jurisdiction_the_store_holds(client: TestClient) -> None:
    data = client.get("/api/coverage").json()
    # The mirror holds US, UK, CA, AU and the UN (un-sc), no EU file.
    assert data["jurisdictions"] == ["US", "UK", "CA", "AU", "UN"]
    assert data["not_held"] == ["EU"]
    page = client.get("/coverage", headers=HTML).text
    header = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert '<th scope="col">UN <small>(no regime of this class)</small></th>' in header
    assert "The store holds no list of EU" in page
    everything = client.get("/api/coverage", params={"regimes": "all", "jurisdiction": "UN"})
    assert everything.json()["total"] > 0 and everything.json()["rows"][0]["UN"]
