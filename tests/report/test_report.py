"""The coordination report: HTML that renders in headless Chromium with its charts drawn,
and a workbook with one sheet per table (real store)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from concord.cli.main import cli
from tests.conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts"


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


def test_report_renders_in_chromium_with_charts(written) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
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
