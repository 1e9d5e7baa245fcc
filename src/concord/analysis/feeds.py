"""Feeds of new designations: Atom (RFC 4287, written with lxml) and JSON Feed 1.1.

An item is one designation (a list entry under a regime), newest listed first. Its id is a
`tag:` URI of the entry key and regime, so a reader sees the same item on every fetch; its
`updated` date is the listed date (the last possible day when the date is an interval).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import quote, urlencode

from lxml import etree

from concord.analysis.frame import Filter, Frame, Listing, jurisdiction_code, short
from concord.errors import BadInput

ATOM = "http://www.w3.org/2005/Atom"
JSON_FEED = "https://jsonfeed.org/version/1.1"
TAG = "tag:concord.sanctions,2026:"
LIMIT = 200  # items per feed
FORMATS = ("atom", "json")


@dataclass(frozen=True)
class FeedQuery:
    """Which new designations a feed carries."""

    jurisdiction: str | None = None
    regime: str | None = None
    ground: str | None = None  # human_rights | corruption
    country: str | None = None  # the target's country, ISO code
    since: date | None = None
    limit: int = LIMIT

    def __post_init__(self) -> None:
        if self.ground not in (None, "human_rights", "corruption"):
            raise BadInput("ground must be human_rights or corruption")
        if not 0 < self.limit <= 1000:
            raise BadInput("limit must be between 1 and 1000")

    def encoded(self) -> str:
        """The filters as a query string: part of the feed's stable id."""
        pairs = {"jurisdiction": self.jurisdiction and jurisdiction_code(self.jurisdiction),
                 "regime": self.regime and self.regime.upper(), "ground": self.ground,
                 "country": self.country and self.country.upper(),
                 "since": self.since and self.since.isoformat()}  # fmt: skip
        return urlencode({k: v for k, v in pairs.items() if v})

    def describe(self) -> str:
        """The filters in words, for the feed's title."""
        parts = [
            p
            for p in (
                self.jurisdiction and jurisdiction_code(self.jurisdiction),
                self.regime,
                self.ground and self.ground.replace("_", " "),
                self.country and f"targets of {self.country.upper()}",
            )
            if p
        ]
        return ", ".join(parts) if parts else "all lists"


def _accepts(frame: Frame, x: Listing, query: FeedQuery) -> bool:
    if query.jurisdiction and x.jurisdiction != jurisdiction_code(query.jurisdiction):
        return False
    if query.regime and x.regime != query.regime.upper():
        return False
    if query.ground and not Filter(query.ground, "all").accepts(x):
        return False
    if query.country and frame.country(x.target_id) != query.country.upper():
        return False
    return query.since is None or x.listed.until >= query.since


def feed_items(frame: Frame, query: FeedQuery, base_url: str) -> list[dict[str, Any]]:
    """The newest designations that pass the query, as plain items (newest first)."""
    found = sorted((x for x in frame.listings if _accepts(frame, x, query)),
                   key=lambda x: (x.listed.until, x.entry_key, x.regime), reverse=True)  # fmt: skip
    base = base_url.rstrip("/")
    items = []
    for x in found[: query.limit]:
        name = frame.names.get(x.target_id, "") or x.entry_key
        when = datetime.combine(x.listed.until, time(0), tzinfo=UTC)
        text = (
            f"{x.jurisdiction} designated {name} under {x.regime}, listed {short(x.listed)}"
            f" ({x.listed_basis}); ground: {x.ground_text()}; list entry {x.entry_key}."
        )
        if x.reason:
            text += f" Reason: {x.reason}"
        items.append({"id": f"{TAG}designation/{x.entry_key}/{x.regime}",
                      "title": f"{x.jurisdiction} designates {name} ({x.regime})",
                      "url": f"{base}/targets/{quote(x.target_id)}",
                      "updated": when, "text": text, "jurisdiction": x.jurisdiction,
                      "regime": x.regime, "entry_key": x.entry_key,
                      "target_id": x.target_id, "listed": short(x.listed),
                      "country": frame.country(x.target_id)})  # fmt: skip
    return items


def _newest(items: list[dict[str, Any]]) -> datetime:
    if not items:
        return datetime(2000, 1, 1, tzinfo=UTC)
    newest: datetime = max(i["updated"] for i in items)
    return newest


def atom_feed(frame: Frame, query: FeedQuery, base_url: str, self_url: str) -> bytes:
    """The Atom document (UTF-8 bytes)."""
    items = feed_items(frame, query, base_url)
    nsmap = {None: ATOM}
    root = etree.Element(f"{{{ATOM}}}feed", nsmap=nsmap)

    def add(parent: etree._Element, tag: str, text: str | None = None,
            **attrs: str) -> etree._Element:  # fmt: skip
        node = etree.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            node.text = text
        return node

    add(root, "id", f"{TAG}feed/designations?{query.encoded()}")
    add(root, "title", f"Concord: new designations ({query.describe()})")
    add(root, "updated", _newest(items).isoformat())
    add(root, "link", rel="self", href=self_url)
    add(root, "link", rel="alternate", href=base_url.rstrip("/") + "/")
    author = add(root, "author")
    add(author, "name", "Concord")
    for item in items:
        entry = add(root, "entry")
        add(entry, "id", item["id"])
        add(entry, "title", item["title"])
        add(entry, "updated", item["updated"].isoformat())
        add(entry, "link", rel="alternate", href=item["url"])
        add(entry, "category", term=item["regime"])
        add(entry, "category", term=item["jurisdiction"])
        add(entry, "summary", item["text"], type="text")
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return data


def json_feed(frame: Frame, query: FeedQuery, base_url: str, self_url: str) -> dict[str, Any]:
    """The JSON Feed 1.1 document."""
    items = feed_items(frame, query, base_url)
    return {
        "version": JSON_FEED,
        "title": f"Concord: new designations ({query.describe()})",
        "home_page_url": base_url.rstrip("/") + "/",
        "feed_url": self_url,
        "language": "en",
        "items": [{"id": i["id"], "url": i["url"], "title": i["title"],
                   "content_text": i["text"], "date_published": i["updated"].isoformat(),
                   "date_modified": i["updated"].isoformat(),
                   "tags": [i["jurisdiction"], i["regime"]],
                   "_concord": {k: i[k] for k in ("entry_key", "target_id", "jurisdiction",
                                                  "regime", "listed", "country")}}
                  for i in items],
    }  # fmt: skip
