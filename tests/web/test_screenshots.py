"""Screenshots of every page, and of the report, in headless Chromium (real whole-mirror
store): each page must answer 200 with its heading and no error, and its picture goes to
test-artifacts/ for a person to look at. Without Chromium it skips (the `chromium` fixture).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from concord.cli.main import cli
from concord.store import Store
from tests.api.conftest import PASSWORD
from tests.web.test_browser import ARTIFACTS, server  # noqa: F401  (the app on loopback)

# (file name, path, a text the page's first heading holds)
PAGES = [
    ("page-home", "/", "Overview"),
    ("page-targets", "/targets?q=KADYROV", "Targets"),
    ("page-target", None, "KADYROV"),
    ("page-gaps", "/gaps", "Gaps between jurisdictions"),
    ("page-gap-list", "/gaps/UK/CA", "Designated by UK, not by CA"),
    ("page-gap-list-several", "/gaps/US/UK,CA,AU?regime=US-GLOMAG&country=CN",
     "Designated by US, not by UK, CA, AU"),
    ("page-coverage", "/coverage", "Coverage"),
    ("page-regimes", "/regimes", "Regimes"),
    ("page-regime", "/regimes/GB-HR", "GB-HR"),
    ("page-sources", "/sources", "Sources"),
    ("page-screen", "/screen?name=Ramzan+Kadyrov", "Screening"),
    ("page-watch", "/watch", "Coordination watch"),
]  # fmt: skip
ERRORS = ("Traceback", "Internal Server Error", 'class="error"', "Error 500")


def _target_path(server: str) -> str:  # noqa: F811
    import httpx

    found = httpx.get(f"{server}/api/targets", params={"q": "KADYROV, Ramzan"}).json()
    return f"/targets/{found['targets'][0]['target_id']}"


def test_every_page_renders(chromium: str, server: str) -> None:  # noqa: F811
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    failures: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("pageerror", lambda e: failures.append(f"script error: {e}"))
        page.goto(f"{server}/login")
        page.get_by_label("User name").fill("ana")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("load")
        for name, path, heading in PAGES:
            response = page.goto(server + (path or _target_path(server)))
            assert response is not None
            h1 = page.locator("h1").first.inner_text() if page.locator("h1").count() else ""
            body = page.content()
            if response.status != 200 or heading not in h1 or any(e in body for e in ERRORS):
                failures.append(f"{name}: status {response.status}, h1 {h1!r}")
            page.screenshot(path=ARTIFACTS / f"{name}.png")  # the first screenful
        browser.close()
    assert failures == []


@pytest.fixture(scope="module")
def report_html(resolved_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    html = tmp_path_factory.mktemp("shots") / "report.html"
    result = CliRunner().invoke(cli, ["--database", resolved_store.url, "report", "--out",
                                      str(html)])  # fmt: skip
    assert result.exit_code == 0, result.output
    return html


def test_report_screenshots(chromium: str, report_html: Path) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(report_html.as_uri())
        page.wait_for_load_state("load")
        assert "Concord coordination report" in page.locator("h1").first.inner_text()
        page.screenshot(path=ARTIFACTS / "report-title.png")
        for section in ("summary", "coverage", "gaps", "timeline"):
            target = page.locator(f"#{section}")
            assert target.count() == 1, section
            target.evaluate("e => e.scrollIntoView({block: 'start'})")  # the section's top
            page.screenshot(path=ARTIFACTS / f"report-{section}.png")
        page.emulate_media(media="print")
        page.screenshot(path=ARTIFACTS / "report-print.png")
        browser.close()
