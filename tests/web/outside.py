"""What a page or report loads or links to outside the app: a test helper.

A *load* is every URL the browser fetches by itself: `src`, `srcset`, `poster`, `data`,
`action`, `formaction`, a `<link>`'s `href` (stylesheets, icons), an SVG `<image>`'s, and
CSS `url(...)` and `@import`. A *link* is an `<a href>` a reader may follow. Inside the
app means a relative URL, an absolute path, a fragment or a `data:` URL. XML namespaces
(`xmlns="http://www.w3.org/2000/svg"`) name a vocabulary and load nothing.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

LOADING = {"src", "srcset", "poster", "data", "action", "formaction"}
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""", re.IGNORECASE)
OUTSIDE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


def _outside(url: str) -> bool:
    return bool(OUTSIDE.match(url)) and not url.strip().lower().startswith("data:")


class _Urls(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loads: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "xlink:href") and tag == "a":
                self.links.append(value)
            elif name in LOADING or name in ("href", "xlink:href"):
                self.loads.extend(v.split()[0] for v in value.split(",") if v.strip())
            elif name == "style":
                self.loads.extend(CSS_URL.findall(value))

    def handle_data(self, data: str) -> None:
        self.loads.extend(CSS_URL.findall(data))  # <style> blocks (and text that looks so)


def outside_loads(html: str) -> list[str]:
    """The URLs outside the app that `html` makes a browser fetch (empty: self-contained)."""
    parser = _Urls()
    parser.feed(html)
    return [u for u in parser.loads if _outside(u)]


def outside_links(html: str) -> list[str]:
    """The URLs outside the app that `html` links to (`<a href>`)."""
    parser = _Urls()
    parser.feed(html)
    return [u for u in parser.links if _outside(u)]


def outside_urls(html: str) -> list[str]:
    """Every URL outside the app that `html` loads or links to."""
    return outside_loads(html) + outside_links(html)
