"""The data behind the change pages and feeds (and their JSON twins), from
`concord.analysis` and `concord.store.changes`."""

from __future__ import annotations

from typing import Any

from concord.analysis.changes import Period, changes_report, diff_report, target_history
from concord.analysis.feeds import FeedQuery, atom_feed, json_feed
from concord.analysis.frame import load_frame
from concord.analysis.watch import WatchQuery, watch_report
from concord.errors import BadInput
from concord.model.jurisdictions import codes
from concord.store import Store
from concord.web.analysis_views import parse_day


def watch_page(store: Store, as_of: str = "", jurisdiction: str = "",
               status: str = "all") -> dict[str, Any]:  # fmt: skip
    """The coordination watch as of a day (default: the newest snapshot's)."""
    query = WatchQuery(parse_day(as_of), tuple(codes(jurisdiction)) if jurisdiction else (),
                       status or "all")  # fmt: skip
    report = watch_report(store, load_frame(store), query)
    return {"title": f"Coordination watch as of {report['as_of']}",
            "form": {"as_of": as_of, "jurisdiction": jurisdiction, "status": status},
            **report}  # fmt: skip


def changes_data(store: Store, since: str, until: str = "", source: str = "") -> dict[str, Any]:
    """`concord changes` as JSON."""
    period = Period(parse_day(since, "since"), parse_day(until, "until"))
    return changes_report(store, load_frame(store), period, source or None)


def diff_data(store: Store, source: str, day1: str, day2: str) -> dict[str, Any]:
    """`concord diff` as JSON: entries, and target lines of the list's jurisdiction."""
    first, second = parse_day(day1, "date1"), parse_day(day2, "date2")
    if first is None or second is None:
        raise BadInput("give two dates YYYY-MM-DD")
    return diff_report(store, load_frame(store), source, first, second)


def history_data(store: Store, ref: str) -> dict[str, Any]:
    """A target's history (every change to its entries, designations and delistings)."""
    return target_history(store, load_frame(store), ref)


def feed(store: Store, fmt: str, query: FeedQuery, base_url: str, self_url: str
         ) -> bytes | dict[str, Any]:  # fmt: skip
    """The Atom document (bytes) or the JSON Feed (a dict)."""
    frame = load_frame(store)
    if fmt == "atom":
        return atom_feed(frame, query, base_url, self_url)
    return json_feed(frame, query, base_url, self_url)
