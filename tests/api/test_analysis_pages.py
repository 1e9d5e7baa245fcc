"""Coverage matrix and gap lists: filters, paging, CSV/XLSX downloads, and that page, JSON
twin and files agree with the analysis library. Real data: the resolved mirror store."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from concord.analysis.frame import Filter, load_frame
from concord.analysis.gaps import GapQuery, gap_counts, gaps
from concord.report.charts import quarters_between
from concord.store import Store
from tests.report.test_report import chart_texts, quarter_labels

HTML = {"accept": "text/html"}


def test_overview_charts_are_in_the_page_not_the_twin(client: TestClient) -> None:
    data = client.get("/api/overview").json()
    assert "charts" not in data
    assert data["analysis"]["timeline"] and data["analysis"]["alignment"]
    assert data["analysis"]["counts"]["on 2+"] > 0
    page = client.get("/", headers=HTML).text
    assert page.count("<svg") >= 2 and "Largest gaps" in page


def test_overview_chart_has_a_continuous_quarter_axis(client: TestClient) -> None:
    page = client.get("/", headers=HTML).text
    texts = chart_texts(page, "coordination")  # the first chart of the section
    labels = quarter_labels(texts)
    assert len(labels) > 20 and labels == quarters_between(labels[0], labels[-1])
    assert {"quarter of the listing date", "new designations (targets)"} <= set(texts)


def test_coverage_filters_and_paging(client: TestClient) -> None:
    every = client.get("/api/coverage", params={"per_page": 1000}).json()
    assert every["total"] == len(every["rows"]) > 500
    uk_ru = client.get("/api/coverage", params={"jurisdiction": "gb", "country": "ru"}).json()
    assert uk_ru["filters"]["jurisdiction"] == "UK" and 0 < uk_ru["total"] < every["total"]
    assert all(r["country"] == "RU" and "UK" in r["covered_by"] for r in uk_ru["rows"])
    earlier = client.get("/api/coverage", params={"as_of": "2019-12-31"}).json()
    assert 0 < earlier["total"] < every["total"]
    broad = client.get("/api/coverage", params={"regimes": "all", "per_page": 10, "page": 3})
    assert broad.json()["total"] > every["total"] and len(broad.json()["rows"]) == 10
    page = client.get("/coverage?regimes=all&page=2", headers=HTML).text
    assert "Next page" in page and "Previous page" in page
    assert client.get("/api/coverage", params={"page": 10_000}).status_code == 400


def test_coverage_downloads(client: TestClient) -> None:
    total = client.get("/api/coverage", params={"jurisdiction": "CA"}).json()["total"]
    response = client.get("/coverage", params={"jurisdiction": "CA", "format": "csv"})
    assert response.headers["content-disposition"] == 'attachment; filename="coverage.csv"'
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == total and all("CA" in r["covered_by"] for r in rows)
    book = client.get("/api/coverage", params={"jurisdiction": "CA", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert sheet.max_row == total + 1  # header row


def test_gap_index_agrees_with_library(client: TestClient, web_store: Store) -> None:
    pairs = client.get("/api/gaps").json()["pairs"]
    assert pairs == gap_counts(load_frame(web_store), Filter())
    first = pairs[0]
    listed = client.get(f"/api/gaps/{first['leader']}/{first['missing']}").json()
    assert listed["total"] == first["gaps"] and listed["delisted"] == first["delisted"]


def test_gap_list_filters_and_downloads(client: TestClient, web_store: Store) -> None:
    expected = gaps(load_frame(web_store), GapQuery("US", ("UK",), Filter()))
    data = client.get("/api/gaps/us/gb").json()
    assert (data["leader"], data["missing"], data["total"]) == ("US", "UK", len(expected))
    recent = client.get("/api/gaps/US/UK", params={"since": "2021-01-01"}).json()
    assert 0 < recent["total"] < data["total"]
    got = client.get("/gaps/US/UK", params={"since": "2021-01-01", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert [r["target_id"] for r in rows] == [r["target_id"] for r in recent["rows"]]
    assert "gaps-US-not-UK.csv" in got.headers["content-disposition"]
    book = client.get("/api/gaps/US/UK", params={"since": "2021-01-01", "format": "xlsx"})
    assert load_workbook(io.BytesIO(book.content)).active.max_row == recent["total"] + 1
    page = client.get("/gaps/US/UK?since=2021-01-01", headers=HTML).text
    assert 'value="2021-01-01"' in page and "format=csv" in page


def test_analysis_bad_requests(client: TestClient) -> None:
    for url in ("/api/gaps/US/XX", "/api/gaps/US/US", "/api/gaps/US/UK?missing_under=maybe",
                "/api/coverage?grounds=kindness", "/api/coverage?as_of=2020-02-30",
                "/api/gaps/US/UK?format=pdf", "/api/coverage?jurisdiction=Narnia"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 400, url
        assert response.json()["error"]["message"] and "Traceback" not in response.text
