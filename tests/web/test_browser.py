"""Browser test: Debian's Chromium (headless, via Playwright) drives the real app; without
Chromium it skips (the `chromium` fixture of tests/conftest.py says how to get it).

A uvicorn server runs in a thread on a free loopback port over a private copy of the
session's resolved store. Screenshots of each step go to test-artifacts/ at the repo root.
The path: sign in as an analyst, open a gap list, filter it, download its CSV, screen a
name, find and open a target, record a judgement, see it in the audit log.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from concord.api.app import create_app
from concord.store import Store
from tests.api.conftest import PASSWORD, copy_store
from tests.conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(resolved_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over a copy of the resolved store, served by uvicorn; yields its base URL."""
    store = copy_store(resolved_store, tmp_path_factory.mktemp("browser") / "web.sqlite")
    port = _free_port()
    config = uvicorn.Config(create_app(store, secret="browser-test"), host="127.0.0.1",
                            port=port, log_level="warning")  # fmt: skip
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert instance.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


def test_sign_in_judge_and_audit(chromium: str, server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(f"{server}/login")
        page.get_by_label("User name").fill("ana")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text("Signed in as")).to_contain_text("ana")
        page.screenshot(path=ARTIFACTS / "1-signed-in.png", full_page=True)

        page.get_by_role("link", name="Gaps", exact=True).click()
        page.get_by_role("link", name="US, not UK").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Designated by US, not by UK")
        before = page.locator("table tbody tr").count()
        page.get_by_label("Leader listed since").fill("2021-01-01")
        page.get_by_role("button", name="Apply filters").click()
        expect(page).to_have_url(re.compile(r"since=2021-01-01"))
        after = page.locator("table tbody tr").count()
        assert 0 < after < before
        page.screenshot(path=ARTIFACTS / "2-gap-list-filtered.png")  # first screenful only
        with page.expect_download() as download:
            page.get_by_role("link", name="CSV").click()
        saved = ARTIFACTS / "gaps-US-not-UK-since-2021.csv"
        download.value.save_as(saved)
        assert len(saved.read_text(encoding="utf-8").splitlines()) == after + 1

        page.get_by_role("link", name="Screen", exact=True).click()
        page.get_by_label("Name", exact=True).fill("Ramzan Kadyrov")
        page.get_by_role("button", name="Screen").click()
        expect(page.locator("caption").first).to_have_text("Why this score")
        expect(page.locator(".hits")).to_contain_text("KADYROV")
        page.screenshot(path=ARTIFACTS / "3-screening.png", full_page=True)

        page.get_by_role("link", name="Targets", exact=True).click()
        page.get_by_label("Name, entry key or target id").fill("KADYROV, Ramzan")
        page.keyboard.press("Enter")
        page.get_by_role("link", name="ct-").first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("KADYROV")
        expect(page.get_by_role("heading", level=1)).to_contain_text("target ct-")
        expect(page.get_by_role("heading", name="Evidence that joined the entries")).to_be_visible()
        page.screenshot(path=ARTIFACTS / "4-target.png", full_page=True)

        page.get_by_label("Entry B (an entry key)").fill("gb-ofsi:13042")
        page.get_by_label("different").check()
        page.get_by_label("Note: the evidence you looked at").fill("browser test: checked DOB")
        page.get_by_role("button", name="Record judgement").click()
        expect(page.locator("#judgements ~ table").first).to_contain_text("browser test")
        page.screenshot(path=ARTIFACTS / "5-judged.png", full_page=True)

        page.get_by_role("link", name="Audit log").click()
        row = page.get_by_role("row").filter(has_text="judgement.record").first
        expect(row).to_contain_text("ana")
        expect(row).to_contain_text("gb-ofsi:13042")
        page.screenshot(path=ARTIFACTS / "6-audit-log.png", full_page=True)
        browser.close()


def test_api_docs_work_offline(chromium: str, server: str) -> None:
    """Swagger UI and ReDoc render with every request outside the app refused (as offline or
    behind a strict network), and no response comes from outside the app."""
    from playwright.sync_api import Route, expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    inside = (server, "data:", f"blob:{server}")
    refused: list[str] = []
    answered: list[str] = []

    def offline(route: Route) -> None:
        if route.request.url.startswith(inside):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.route("**/*", offline)
        page.on("response", lambda r: None if r.url.startswith(inside) else answered.append(r.url))
        page.goto(f"{server}/api/docs")
        expect(page.locator(".opblock").first).to_be_visible(timeout=20_000)
        page.screenshot(path=ARTIFACTS / "api-docs.png")
        page.goto(f"{server}/api/redoc")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Concord", timeout=20_000)
        page.screenshot(path=ARTIFACTS / "api-redoc.png")
        browser.close()
    assert answered == []
    # ReDoc's footer asks a CDN for a logo; the page's policy refuses it before the network.
    assert set(refused) <= {"https://cdn.redoc.ly/redoc/logo-mini.svg"}
