"""The coordination report: HTML that renders in headless Chromium with its charts drawn,
and a workbook with one sheet per table (real store)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from concord import __version__
from concord.cli.main import cli
from concord.report.charts import quarters_between
from tests.conftest import ROOT
from tests.web.outside import outside_urls

ARTIFACTS = ROOT / "test-artifacts"
TEXT = re.compile(r"<text\b[^>]*>([^<]*)</text>")
QUARTER = re.compile(r"^\d{4}Q[1-4]$")


def chart_texts(html: str, element_id: str) -> list[str]:
    """The text of the chart (an inline SVG) inside the element `element_id` of `html`."""
    start = html.index(f'id="{element_id}"')
    return TEXT.findall(html[start : html.index("</svg>", start)])


def quarter_labels(texts: list[str]) -> list[str]:
    """The quarter labels of a chart's time axis, in order."""
    return [t for t in texts if QUARTER.match(t)]


@pytest.fixture(scope="module")
def written(resolved_store, tmp_path_factory) -> tuple[Path, Path, str]:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("report")
    html, xlsx = folder / "report.html", folder / "report.xlsx"
    result = CliRunner().invoke(cli, ["--database", resolved_store.url, "report", "--out",
                                      str(html), "--xlsx", str(xlsx)])  # fmt: skip
    assert result.exit_code == 0, result.output
    return html, xlsx, result.output


def test_report_prints_the_headline(written) -> None:  # type: ignore[no-untyped-def]
    _, _, output = written
    assert "targets per jurisdiction: US " in output
    assert "on 2+ lists:" in output and "largest gaps: US not " in output


def test_report_is_self_contained(written) -> None:  # type: ignore[no-untyped-def]
    html = written[0].read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html.split("<svg", 1)[0]
    assert outside_urls(html) == []  # no page or report references a URL outside the app
    assert html.count("<svg") == 4
    for section in ("summary", "coverage", "gaps", "network", "lags", "timeline", "alignment"):
        assert f'id="{section}"' in html


def test_workbook_has_one_sheet_per_table(written) -> None:  # type: ignore[no-untyped-def]
    book = load_workbook(written[1], read_only=True)
    names = book.sheetnames
    assert {"Summary", "Coverage", "Gaps US-UK", "Lag cases", "Alignment", "Timeline"} <= set(names)
    coverage = book["Coverage"]
    header = next(coverage.iter_rows(max_row=1, values_only=True))
    assert "target_id" in header and "US" in header


def test_workbook_has_provenance_and_frozen_headers(written, mirror, resolved_store) -> None:  # type: ignore[no-untyped-def]
    book = load_workbook(written[1])
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title  # the header row stays in view
    rows = list(book["Provenance"].iter_rows(values_only=True))
    header, body = rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert header == ("source", "jurisdiction", "publisher", "data_as_of", "observed", "file",
                      "sha256", "generated", "concord_version")  # fmt: skip
    held = {r["source"] for r in resolved_store.snapshot_rows() if r["status"] == "ok"}
    assert {r["source"] for r in body} == held
    for row in body:
        assert row["file"].startswith(f"{row['source']}/{row['observed']}/")
        assert row["sha256"] == hashlib.sha256((mirror / row["file"]).read_bytes()).hexdigest()
        assert row["concord_version"] == __version__ and row["generated"].endswith(" UTC")
    newest = {r["source"]: r["effective"].isoformat() for r in resolved_store.snapshot_rows()
              if r["status"] == "ok"}  # fmt: skip
    assert {r["source"]: r["data_as_of"] for r in body} == newest


@pytest.mark.parametrize("chart", ["chart-timeline-magnitsky", "chart-timeline-all"])
def test_timeline_axis_skips_no_quarter(written, chart: str) -> None:  # type: ignore[no-untyped-def]
    texts = chart_texts(written[0].read_text(encoding="utf-8"), chart)
    labels = quarter_labels(texts)
    assert len(labels) > 20
    assert labels == quarters_between(labels[0], labels[-1])  # every quarter, empty ones too
    axes = {"quarter of the listing date", "new designations (targets)", "jurisdiction"}
    assert axes <= set(texts)


def test_lag_chart_says_what_dots_and_bars_are(written) -> None:  # type: ignore[no-untyped-def]
    texts = chart_texts(written[0].read_text(encoding="utf-8"), "chart-lags")
    assert "exact: both listing dates known" in texts  # a dot
    assert "range: a date known only as an interval" in texts  # a bar
    assert "Lag between designations, per pair of jurisdictions" in texts
    assert any(t.startswith("days from the first to the second designation") for t in texts)


def test_title_page_says_when_and_from_what(written, resolved_store) -> None:  # type: ignore[no-untyped-def]
    html = written[0].read_text(encoding="utf-8")
    title = html[html.index('<header class="title-page"') : html.index("</header>")]
    assert re.search(r"<dt>Generated</dt><dd>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC</dd>", title)
    assert f"<dt>Concord version</dt><dd>{__version__}</dd>" in title
    for row in resolved_store.snapshot_rows():
        if row["status"] == "ok":
            assert row["source"] in title
    newest = max(r["effective"] for r in resolved_store.snapshot_rows() if r["status"] == "ok")
    assert f'<td class="d">{newest.isoformat()}</td>' in title  # "data as of" per list
    assert "@media print" in html and "position: sticky" in html
    assert "docs/analysis.md" not in html  # no internal path cited


def test_report_renders_in_chromium_with_charts(written, chromium: str) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(written[0].as_uri())
        page.wait_for_load_state("load")
        charts = page.locator(".fig svg")
        assert charts.count() == 4
        for index in range(charts.count()):
            chart = charts.nth(index)
            box = chart.bounding_box()
            assert box is not None and box["width"] > 200 and box["height"] > 100
            assert chart.locator("path").count() > 10
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=False)
        page.locator("#lags").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "report-lags.png"))
        browser.close()
    assert errors == []
