"""What a rule finds in the store's changes since its last run (no delivery here).

"Changed since the last run" is read off the one designation read model: a designation
*appeared* when the first snapshot of its latest run is newer than the rule's watermark for
its source, and *ended* when the first snapshot without it is. Each finding has an id, a
hash of (rule, target, designation, customer): the same finding on a later run is the same
alert, never a second one.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import sqlalchemy as sa

from concord.alerts.rules import Rule
from concord.screen.decisions import apply, suppressions
from concord.screen.files import read_records
from concord.screen.index import get_index
from concord.screen.query import Query, screen
from concord.store import Store
from concord.store.designations import Designation, designation_set
from concord.store.tables import entries


@dataclass(frozen=True)
class Finding:
    """One thing a rule reports: an alert before it is stored and delivered."""

    alert_id: str
    target_id: str
    entry_key: str
    regime: str | None
    change: str  # appeared | ended
    payload: dict[str, Any] = field(default_factory=dict)
    customer_id: str | None = None


def alert_id(rule: Rule, target_id: str, d: Designation, change: str,
             customer_id: str | None = None) -> str:  # fmt: skip
    """The identity of an alert: the same rule, target, designation run and change (and
    customer) always give the same id, whatever the run. A designation listed again after a
    delisting is a new run, so a new alert."""
    when = appeared_on(d) if change == "appeared" else d.runs[-1].end
    parts = (str(rule.id), rule.name, target_id, d.entry_key, d.regime or d.label, change,
             str(when), customer_id or "")  # fmt: skip
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _mark(rule: Rule, source: str) -> date | None:
    text = rule.watermark.get(source) or rule.watermark.get("*")
    return date.fromisoformat(text) if text else None


def appeared_on(d: Designation) -> date:
    """The first snapshot day of the designation's latest run (not its listed date: a list
    may state a designation date days before the snapshot that first shows it)."""
    return d.first_seen if len(d.runs) == 1 else d.runs[-1].start


def change_of(rule: Rule, d: Designation) -> str | None:
    """`appeared` or `ended` when that happened after the rule's watermark, else None."""
    mark = _mark(rule, d.source)
    if d.in_force():
        return "appeared" if mark is None or appeared_on(d) > mark else None
    end = d.runs[-1].end
    if end is not None and (mark is None or end > mark):
        return "ended"
    return None


def target_of(d: Designation) -> str:
    """The designation's target, or its entry alone before any resolution run."""
    return d.target_id or f"entry:{d.entry_key}"


def _in_force_by_target(ds: list[Designation]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for d in ds:
        out[target_of(d)].add(d.jurisdiction)
    return out


def _selected(rule: Rule, d: Designation) -> bool:
    f = rule.filters
    return ((f.jurisdiction is None or d.jurisdiction == f.jurisdiction)
            and (not f.magnitsky or d.magnitsky)
            and (not f.regimes or d.regime in f.regimes))  # fmt: skip


def _payload(rule: Rule, d: Designation, target_id: str, change: str) -> dict[str, Any]:
    return {"rule": rule.name, "kind": rule.kind, "change": change, "target_id": target_id,
            "designation": d.as_dict()}  # fmt: skip


def captions(store: Store, keys: set[str]) -> dict[str, str]:
    """The names list entries go by (their main entity's caption)."""
    out: dict[str, str] = {}
    ordered = sorted(keys)
    with store.read() as conn:
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            query = sa.select(entries.c.entry_key, entries.c.caption)
            for key, caption in conn.execute(query.where(entries.c.entry_key.in_(chunk))):
                out[key] = caption
    return out


def new_designations(store: Store, rule: Rule) -> list[Finding]:
    """Designations that appeared since the rule's last run, selected by its filters, of
    targets that at least one of its `missing` jurisdictions has not designated."""
    dset = designation_set(store)
    held = _in_force_by_target(dset.select())
    found: list[Finding] = []
    for d in dset.select():
        if not _selected(rule, d) or change_of(rule, d) != "appeared":
            continue
        target = target_of(d)
        missing = [j for j in rule.filters.missing if j not in held[target]]
        if rule.filters.missing and not missing:
            continue
        payload = {**_payload(rule, d, target, "appeared"), "missing": missing,
                   "designated_by": sorted(held[target])}  # fmt: skip
        found.append(Finding(alert_id(rule, target, d, "appeared"), target, d.entry_key, d.regime,
                             "appeared", payload))  # fmt: skip
    names = captions(store, {f.entry_key for f in found})
    return [replace(f, payload={**f.payload, "caption": names.get(f.entry_key, "")})
            for f in found]  # fmt: skip


def changed_targets(store: Store, rule: Rule) -> dict[str, list[tuple[Designation, str]]]:
    """The targets with a designation that appeared or ended since the rule's last run
    (selected by its filters), with those designations and their change."""
    out: dict[str, list[tuple[Designation, str]]] = defaultdict(list)
    for d in designation_set(store).all:
        change = change_of(rule, d)
        if change is not None and _selected(rule, d):
            out[target_of(d)].append((d, change))
    return dict(out)


def screened_customers(store: Store, rule: Rule) -> list[Finding]:
    """Customers of the rule's file who match a changed target (standing false-positive
    decisions still silence a hit, as in batch screening)."""
    changed = changed_targets(store, rule)
    if not changed or rule.customers is None:
        return []
    records = read_records(rule.customers)
    index, silenced = get_index(store), suppressions(store)
    found: list[Finding] = []
    for record in records:
        query = Query([record["name"]], record.get("schema") or None,
                      [record["dob"]] if record.get("dob") else [],
                      [record["country"]] if record.get("country") else [])  # fmt: skip
        for hit in apply(screen(index, query), record["id"], silenced):
            if hit.suppressed or hit.target.target_id not in changed:
                continue
            for d, change in changed[hit.target.target_id]:
                payload = {**_payload(rule, d, hit.target.target_id, change),
                           "customer": record, "match": hit.as_dict()}  # fmt: skip
                found.append(Finding(alert_id(rule, hit.target.target_id, d, change, record["id"]),
                                     hit.target.target_id, d.entry_key, d.regime, change,
                                     payload, record["id"]))  # fmt: skip
    return found


def evaluate(store: Store, rule: Rule) -> list[Finding]:
    """Everything the rule reports on the store's changes since its last run."""
    if rule.kind == "screened-customer":
        return screened_customers(store, rule)
    return new_designations(store, rule)
