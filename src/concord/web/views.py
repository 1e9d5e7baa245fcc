"""The data behind each page (and its JSON twin): plain functions over the store.

Example:
    >>> from concord.store import Store
    >>> overview(Store("sqlite://"))["totals"]["targets"]
    0
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from concord.analysis.changes import entry_events
from concord.errors import BadInput, NotFound
from concord.model import jurisdictions
from concord.model.regimes import registry
from concord.resolve import judgements
from concord.resolve.names import name_tokens
from concord.resolve.run import name_matches, target
from concord.sources.registry import sources
from concord.store import Store, queries
from concord.store.designations import designation_set
from concord.store.tables import entries, resolution_runs, target_members

SEARCH_LIMIT = 100
SEARCH_HITS = 20  # targets a name search returns from the screening index
SEARCH_THRESHOLD = 0.5  # lower than screening's alerts: a search shows near names too
T = TypeVar("T")


def _per_state(store: Store, name: str, compute: Callable[[Connection], T]) -> T:
    """`compute(conn)` once per store state, kept on the store (`Store.derived`): counts over
    every entry take 50-100 ms, and the store changes only on ingest or resolve."""

    def build() -> T:
        with store.read() as conn:
            return compute(conn)

    return store.derived(f"{__name__}.{name}", build)


def _count_targets(conn: Connection) -> tuple[int, int]:
    """Targets, and targets with entries in two or more lists."""
    per_target = (
        sa.select(target_members.c.target_id)
        .group_by(target_members.c.target_id)
        .having(sa.func.count(sa.distinct(target_members.c.source)) > 1)
        .subquery()
    )
    targets = conn.scalar(sa.select(sa.func.count(sa.distinct(target_members.c.target_id))))
    shared = conn.scalar(sa.select(sa.func.count()).select_from(per_target))
    return targets or 0, shared or 0


def overview(store: Store) -> dict[str, Any]:
    """Headline numbers: entries and Magnitsky-class entries per source, targets."""
    summary = queries.sources_summary(store)
    targets, shared = _per_state(store, "targets", _count_targets)
    with store.read() as conn:
        run = conn.execute(
            sa.select(resolution_runs).order_by(resolution_runs.c.id.desc()).limit(1)
        ).first()
    totals = {
        "sources": len(summary),
        "entries": sum(r["entries"] for r in summary),
        "magnitsky_entries": sum(r["magnitsky_entries"] for r in summary),
        "targets": targets,
        "targets_in_two_or_more_lists": shared,
    }
    return {
        "title": "Overview",
        "totals": totals,
        "sources": summary,
        "resolution": dict(run._mapping) if run is not None else None,
    }


def _snapshot(row: dict[str, Any]) -> dict[str, Any]:
    keep = ("id", "source", "effective", "observed", "published", "status", "entry_count",
            "format", "message", "sha256")  # fmt: skip
    out = {k: row[k] for k in keep}
    out["files"] = [str(f).rsplit("/", 1)[-1] for f in row["files"] or []]
    out["warnings"] = len(row["warnings"] or [])
    return out


def sources_page(store: Store) -> dict[str, Any]:
    """Each source with its publisher and official files, and every snapshot (refused too)."""
    facts = sources()
    rows = []
    for row in queries.sources_summary(store):
        src = facts.get(row["source"])
        rows.append({**row, "publisher": src.publisher if src else "",
                     "title": src.title if src else "",
                     "urls": list(src.urls) if src else []})  # fmt: skip
    snaps = [_snapshot(r) for r in store.snapshot_rows()]
    refused = [s for s in snaps if s["status"] != "ok"]
    return {"title": "Sources", "sources": rows, "snapshots": snaps, "refused": refused}


def _count_designations(store: Store) -> dict[str, int]:
    """Current designations per regime key, from the one read model."""
    counts: dict[str, int] = {}
    for d in designation_set(store).select():
        if d.regime is not None:
            counts[d.regime] = counts.get(d.regime, 0) + 1
    return counts


def _regime(regime: Any, count: int) -> dict[str, Any]:
    return {
        "key": regime.key,
        "jurisdiction": jurisdictions.shown(regime.jurisdiction),
        "name": regime.name,
        "instrument": regime.instrument,
        "in_force": regime.in_force,
        "grounds": list(regime.grounds),
        "measures": list(regime.measures),
        "magnitsky": regime.magnitsky,
        "url": regime.url,
        "sources": sorted(regime.labels),
        "designations": count,
    }


def regimes_page(store: Store, magnitsky: bool = False) -> dict[str, Any]:
    """Every regime of the registry with its number of current designations."""
    counts = _count_designations(store)
    rows = [_regime(r, counts.get(r.key, 0)) for r in registry() if r.magnitsky or not magnitsky]
    return {"title": "Regimes", "magnitsky_only": magnitsky, "regimes": rows}


def regime_page(store: Store, key: str) -> dict[str, Any]:
    """One regime: legal basis, grounds, measures, date in force, and its current entries."""
    regime = registry().get(key)
    if regime is None:
        raise NotFound(f"no regime {key!r} (see /regimes)")
    found = {d.entry_key: d for d in designation_set(store).select(regime=key)}
    query = (
        sa.select(entries.c.entry_key, entries.c.source, entries.c.schema, entries.c.caption,
                  target_members.c.target_id)
        .outerjoin(target_members, target_members.c.entry_key == entries.c.entry_key)
        .where(entries.c.entry_key.in_(list(found)))
        .order_by(entries.c.caption)
    )  # fmt: skip
    with store.read() as conn:
        rows = [{**r._mapping, "first_seen": found[r.entry_key].first_seen,
                 "listed": str(found[r.entry_key].listed)}
                for r in conn.execute(query)]  # fmt: skip
    data = _regime(regime, len(rows))
    return {"title": f"Regime {key}", "regime": data, "entries": rows}


def search_targets(store: Store, q: str) -> dict[str, Any]:
    """Targets by name in any word order, script or transliteration, through the name index
    screening uses (`陈全国`, `zhu hailun`), then entries whose name holds `q` as typed (a
    fragment such as `Quangu`); or the target of an entry key or target id."""
    text = q.strip()
    if len(text) < 2 or any(ord(c) < 32 for c in text):
        raise BadInput("type at least two characters of a name, an entry key or a target id")
    grouped: dict[str, dict[str, Any]] = {}

    def add(target_id: str, name: str, keys: list[str], score: float | None) -> None:
        item = grouped.setdefault(target_id, {"target_id": target_id, "names": [],
                                              "entries": [], "score": score})  # fmt: skip
        if name and name not in item["names"]:
            item["names"].append(name)
        item["entries"].extend(k for k in keys if k not in item["entries"])

    from concord.screen import get_index
    from concord.screen.query import Query, screen

    index = get_index(store)
    if ":" not in text and not text.startswith("ct-"):
        for hit in screen(index, Query([text], threshold=SEARCH_THRESHOLD, limit=SEARCH_HITS)):
            add(hit.target.target_id, hit.matched_name, [hit.matched_entry], round(hit.score, 3))
            add(hit.target.target_id, hit.target.caption, hit.target.entry_keys, None)
    rows: list[dict[str, Any]] = []
    if not grouped:
        query = (
            sa.select(target_members.c.target_id, entries.c.entry_key, entries.c.caption)
            .join(entries, entries.c.entry_key == target_members.c.entry_key)
            .where(sa.or_(entries.c.entry_key == text, target_members.c.target_id == text)
                   if ":" in text or text.startswith("ct-") else name_matches(text))
            .order_by(entries.c.caption)
            .limit(SEARCH_LIMIT)
        )  # fmt: skip
        with store.read() as conn:
            rows = [dict(r._mapping) for r in conn.execute(query)]
        for row in rows:
            add(row["target_id"], row["caption"], [row["entry_key"]], None)
    # Best first: score, then a name that is what was typed, then the shortest name.
    typed = " ".join(sorted(name_tokens(text)))
    found = sorted(grouped.values(), key=lambda t: (
        -(t["score"] or 0), all(" ".join(sorted(name_tokens(n))) != typed for n in t["names"]),
        min(len(n) for n in t["names"]) if t["names"] else 0))  # fmt: skip
    return {"title": f"Targets matching {text!r}", "q": text, "targets": found,
            "truncated": len(rows) == SEARCH_LIMIT}  # fmt: skip


def _history(detail: dict[str, Any]) -> list[dict[str, Any]]:
    """Changes of an entry over time: first seen, then values added and removed."""
    first = detail["first_seen"]
    events = [{"date": first, "change": "first seen", "prop": "", "value": detail["name"]}]
    for s in detail["statements"]:
        if s["first_seen"] > first:
            events.append({"date": s["first_seen"], "change": "added", "prop": s["prop"],
                           "value": s["value"]})  # fmt: skip
        if not s["current"]:
            events.append({"date": s["last_seen"], "change": "last seen", "prop": s["prop"],
                           "value": s["value"]})  # fmt: skip
    if not detail["present"]:
        events.append({"date": detail["last_seen"], "change": "last seen (delisted)",
                       "prop": "", "value": detail["name"]})  # fmt: skip
    return sorted(events, key=lambda e: e["date"])


def _entry(key: str, store: Store) -> dict[str, Any]:
    detail = queries.entry_detail(store, key)
    src = sources().get(detail["source"])
    return {
        **{k: detail[k] for k in ("entry_key", "source", "schema", "name", "present",
                                  "first_seen", "last_seen", "designations", "statements")},
        "history": _history(detail),
        # source/date/file: where in the mirror, without this machine's folders
        "files": sorted({"/".join(s["file"].split("/")[-3:]) for s in detail["statements"]
                         if s["file"]}),
        "publisher": src.publisher if src else "",
        "official_urls": list(src.urls) if src else [],
    }  # fmt: skip


def target_page(store: Store, ref: str) -> dict[str, Any]:
    """A target: every entry with its designations, history and official files, the
    evidence that joined the entries, and the judgements people made about them."""
    found = target(store, ref)
    keys = {e["entry_key"] for e in found["entries"]}
    judged = [j.as_dict() for pair, j in judgements.current(store).items() if set(pair) & keys]
    members = [_entry(e["entry_key"], store) for e in found["entries"]]
    names = sorted({e["name"] for e in members})
    # The heading is the target's name (its US spelling where it has one, the best known),
    # with its id beside it.
    named = sorted(members, key=lambda e: (not e["entry_key"].startswith("us-ofac:"),
                                           not e["present"], e["entry_key"]))  # fmt: skip
    heading = named[0]["name"] if named else found["target_id"]
    return {"title": f"{heading} · target {found['target_id']}", "target_id": found["target_id"],
            "names": names, "entries": members, "evidence": found["evidence"],
            "judgements": judged, "verdicts": list(judgements.VERDICTS),
            "changes": entry_events(store, sorted(keys))}  # fmt: skip
