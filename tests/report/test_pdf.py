"""The report as PDF, printed by headless Chromium from the self-contained HTML (real store);
without Chromium the printing test skips with the `chromium` fixture's one line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from concord.cli.main import cli

# A4 in PostScript points (595 x 842), either way up: the print stylesheet asks landscape.
A4 = {(595, 842), (842, 595)}
# The whole-mirror report printed to 307 pages when this was written (963 coverage rows,
# 20 gap lists); a much shorter PDF means lost tables, a much longer one a layout gone wrong.
PAGES = range(200, 451)


@pytest.fixture(scope="module")
def printed(resolved_store, chromium: str, tmp_path_factory) -> tuple[Path, str]:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("pdf")
    html, pdf = folder / "report.html", folder / "report.pdf"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CONCORD_CHROMIUM", chromium)
        result = CliRunner().invoke(cli, ["--database", resolved_store.url, "report",
                                          "--out", str(html), "--pdf", str(pdf)])  # fmt: skip
    assert result.exit_code == 0, result.output
    return pdf, result.output


def test_pdf_pages_are_a4_with_title_and_facts(printed) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    pdf, output = printed
    assert output.rstrip().endswith(f"and {pdf}")
    reader = PdfReader(pdf)
    assert len(reader.pages) in PAGES
    sizes = {
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages
    }
    assert sizes <= A4, sizes
    title = reader.pages[0].extract_text()
    assert "Concord coordination report" in title
    assert re.search(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", title)
    assert "us-ofac" in title and "gb-ofsi" in title  # per list, the snapshot it reflects
    text = "\n".join(page.extract_text() for page in reader.pages)
    # UK: Ahmad Hassan Mohammed AL ASIRI, Global Human Rights, designated 6 July 2020 (the
    # first UK GHR designations; the date is the one the OFSI file states).
    assert "AL ASIRI GB-HR 2020-07-06 gb-ofsi:13894" in text
    # Every chart is printed: each SVG's title comes through as text.
    for chart in (
        "New Magnitsky-class designations per quarter",
        "New designations per quarter, all regimes",
        "Lag between designations, per pair of jurisdictions",
        "Overlap of targets (",
    ):
        assert text.count(chart) == 1, chart  # fmt: skip


def test_pdf_without_chromium_is_one_line(resolved_store, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CONCORD_CHROMIUM", str(tmp_path / "no-such-chromium"))
    html, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    result = CliRunner().invoke(cli, ["--database", resolved_store.url, "report",
                                      "--out", str(html), "--pdf", str(pdf)])  # fmt: skip
    assert result.exit_code == 1, result.output
    assert result.output.strip().count("\n") == 0 and "no-such-chromium" in result.output
    assert "Traceback" not in result.output
    assert not html.exists() and not pdf.exists()  # refused before any work
