"""Alert rules kept in the store: what to watch for, and where to deliver what is found.

Two kinds:

- `new-designation`: a designation newly listed (since the rule's last run) by one
  jurisdiction, optionally only Magnitsky-class or under given regimes, of a target that
  one of the `missing` jurisdictions has not designated (under any regime, in force).
- `screened-customer`: a customer of a customers file (the batch screening format) who
  matches a target whose designations changed (added or ended) since the rule's last run.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import sqlalchemy as sa

from concord.errors import BadInput, Conflict, NotFound
from concord.model import jurisdictions
from concord.model.regimes import registry
from concord.store import Store
from concord.store.alert_tables import alert_rules
from concord.store.tables import snapshots

KINDS = ("new-designation", "screened-customer")


@dataclass(frozen=True)
class RuleFilters:
    """What a rule selects (empty: anything)."""

    jurisdiction: str | None = None  # the designating jurisdiction, e.g. "US"
    magnitsky: bool = False
    regimes: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()  # e.g. ("UK", "CA"): alert while one has not designated

    def as_dict(self) -> dict[str, Any]:
        """JSON form (kept in the store)."""
        return {"jurisdiction": self.jurisdiction, "magnitsky": self.magnitsky,
                "regimes": list(self.regimes), "missing": list(self.missing)}  # fmt: skip

    @classmethod
    def make(
        cls,
        jurisdiction: str | None = None,
        magnitsky: bool = False,
        regimes: tuple[str, ...] = (),
        missing: tuple[str, ...] = (),
    ) -> RuleFilters:
        """Filters from user strings, checked: an unknown value is BadInput."""
        if bad := sorted(set(regimes) - set(registry().regimes)):
            raise BadInput(f"unknown regime key {bad[0]!r} (see `concord regimes`)")
        juris = jurisdictions.code(jurisdiction) if jurisdiction else None
        return cls(juris, magnitsky, tuple(regimes),
                   tuple(jurisdictions.code(j) for j in missing))  # fmt: skip


@dataclass(frozen=True)
class Rule:
    """One alert rule as the store keeps it."""

    id: int
    name: str
    kind: str
    filters: RuleFilters
    webhook_url: str | None
    secret: str | None
    outbox: Path | None
    customers: Path | None
    watermark: dict[str, str] = field(default_factory=dict)
    created_at: datetime | None = None
    last_run_at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        """The listing form (the secret is never shown again)."""
        return {"name": self.name, "kind": self.kind, **self.filters.as_dict(),
                "webhook": self.webhook_url or "", "outbox": str(self.outbox or ""),
                "customers": str(self.customers or ""),
                "last_run_at": self.last_run_at}  # fmt: skip


def _rule(row: Any) -> Rule:
    f = row.filters
    return Rule(
        id=row.id, name=row.name, kind=row.kind,
        filters=RuleFilters(f.get("jurisdiction"), bool(f.get("magnitsky")),
                            tuple(f.get("regimes", ())), tuple(f.get("missing", ()))),
        webhook_url=row.webhook_url, secret=row.secret,
        outbox=Path(row.outbox) if row.outbox else None,
        customers=Path(row.customers) if row.customers else None,
        watermark=dict(row.watermark), created_at=row.created_at, last_run_at=row.last_run_at,
    )  # fmt: skip


def current_watermark(store: Store) -> dict[str, str]:
    """Each source's newest accepted snapshot date: the point a rule has seen up to."""
    query = (
        sa.select(snapshots.c.source, sa.func.max(snapshots.c.effective))
        .where(snapshots.c.status == "ok")
        .group_by(snapshots.c.source)
    )
    with store.read() as conn:
        return {source: day.isoformat() for source, day in conn.execute(query)}


@dataclass(frozen=True)
class NewRule:
    """What `add_rule` needs."""

    name: str
    kind: str
    filters: RuleFilters = field(default_factory=RuleFilters)
    webhook_url: str | None = None
    secret: str | None = None
    outbox: Path | None = None
    customers: Path | None = None
    since: date | None = None  # report changes after this day (default: from now on)


def _check(new: NewRule) -> None:
    if new.kind not in KINDS:
        raise BadInput(f"unknown alert kind {new.kind!r} (known: {', '.join(KINDS)})")
    if new.webhook_url is None and new.outbox is None:
        raise BadInput("an alert rule needs a --webhook URL or an --outbox file")
    if new.webhook_url is not None and urlparse(new.webhook_url).scheme not in ("http", "https"):
        raise BadInput(f"not an http(s) webhook URL: {new.webhook_url!r}")
    if new.kind == "screened-customer":
        if new.customers is None:
            raise BadInput("a screened-customer rule needs --customers FILE")
        if not new.customers.is_file():
            raise BadInput(f"{new.customers}: file not found")


def add_rule(store: Store, new: NewRule) -> Rule:
    """Store a rule; its watermark is now (or `since`), so it reports what changes after."""
    _check(new)
    mark = {"*": new.since.isoformat()} if new.since else current_watermark(store)
    secret = new.secret or (secrets.token_hex(32) if new.webhook_url else None)
    with store.begin() as conn:
        taken = conn.execute(sa.select(alert_rules.c.id).where(alert_rules.c.name == new.name))
        if taken.first() is not None:
            raise Conflict(f"an alert rule named {new.name!r} exists")
        conn.execute(alert_rules.insert().values(
            name=new.name, kind=new.kind, filters=new.filters.as_dict(),
            webhook_url=new.webhook_url, secret=secret,
            outbox=str(new.outbox.resolve()) if new.outbox else None,
            customers=str(new.customers.resolve()) if new.customers else None,
            watermark=mark, created_at=datetime.now(UTC).replace(tzinfo=None)))  # fmt: skip
    return get_rule(store, new.name)


def list_rules(store: Store) -> list[Rule]:
    """Every rule, in the order they were added."""
    with store.read() as conn:
        return [_rule(r) for r in conn.execute(sa.select(alert_rules).order_by(alert_rules.c.id))]


def get_rule(store: Store, name: str) -> Rule:
    """The rule of a name, or NotFound."""
    for rule in list_rules(store):
        if rule.name == name:
            return rule
    raise NotFound(f"no alert rule named {name!r}")


def remove_rule(store: Store, name: str) -> None:
    """Delete a rule (its alerts and delivery log stay, as a record of what was sent)."""
    rule = get_rule(store, name)
    with store.begin() as conn:
        conn.execute(alert_rules.delete().where(alert_rules.c.id == rule.id))
