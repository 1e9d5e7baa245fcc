"""No page references a URL outside the app: every page (signed in, so the analyst's pages
are there too), the error page and the API documentation load their scripts, styles and
images from the app itself. The one kind of outside link a page may show is provenance: the
official download address of a list, from the source registry (the sources page and a
target's entries). (The report, which links nowhere outside: tests/report.)

Real data: the resolved store of the whole mirror (a private copy, see conftest.py).
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from concord.sources.registry import sources
from tests.api.conftest import sign_in
from tests.api.test_app import HTML, SAMPLES
from tests.web.outside import outside_links, outside_loads, outside_urls

PAGES = sorted({url for url in SAMPLES.values() if not url.startswith("/api/")}
               | {"/audit", "/no-such-page"})  # fmt: skip
OFFICIAL_LIST_URLS = {url for source in sources().values() for url in source.urls}
DOCS = ("/api/docs", "/api/redoc", "/api/docs/oauth2-redirect")


@pytest.mark.parametrize("url", PAGES)
def test_no_page_references_a_url_outside_the_app(client: TestClient, url: str) -> None:
    sign_in(client, "ana")
    response = client.get(url, headers=HTML)
    assert response.status_code in (200, 404), response.text
    assert outside_loads(response.text) == [], url
    assert set(outside_links(response.text)) <= OFFICIAL_LIST_URLS, url


@pytest.mark.parametrize("url", DOCS)
def test_api_docs_are_served_by_the_app(client: TestClient, url: str) -> None:
    page = client.get(url)
    assert page.status_code == 200
    assert outside_urls(page.text) == []
    assert not re.search(r"https?://", page.text), "a documentation page names an outside URL"
    for asset in re.findall(r"""(?:src|href)=["']?(/[^"' >]+)""", page.text):
        loaded = client.get(asset)
        assert loaded.status_code == 200 and loaded.content, asset


def test_outside_urls_finds_what_a_page_would_load() -> None:
    # Hand-made HTML: no page of ours has these, which is the point of the test above.
    html = """<link rel="stylesheet" href="https://cdn.example/x.css">
    <img src='//cdn.example/a.png'><style>@import "http://fonts.example/f.css";
    p { background: url(https://x.example/b.png) }</style><a href="/targets/x">in</a>
    <a href="#top">in</a><img src="data:image/png;base64,AA"><a href="https://gov.example/l.xml">l</a>
    <svg xmlns="http://www.w3.org/2000/svg"><use xlink:href="#p1"/></svg>"""
    assert outside_links(html) == ["https://gov.example/l.xml"]
    assert outside_loads(html) == [
        "https://cdn.example/x.css",
        "//cdn.example/a.png",
        "http://fonts.example/f.css",
        "https://x.example/b.png",
    ]
