"""Run alert rules: evaluate each against what changed since its last run, store the new
alerts with the rule's new watermark (one transaction), then deliver every alert still
pending, this run's and any an earlier run could not deliver. Nothing is lost: an alert is
stored before it is sent, and stays pending until a channel takes it."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from concord.alerts.deliver import Delivery, append_outbox, post_webhook
from concord.alerts.evaluate import Finding, evaluate
from concord.alerts.rules import Rule, current_watermark, get_rule, list_rules
from concord.errors import BadInput
from concord.store import Store
from concord.store.alert_tables import alert_rules, alerts

log = logging.getLogger(__name__)


@dataclass
class RuleRun:
    """What one rule's run did."""

    rule: str
    found: int  # findings this run, new or already alerted
    new: int  # alerts stored for the first time
    delivered: int  # alerts delivered on every channel of the rule in this run
    pending: int  # alerts still not delivered on some channel (retried on the next run)

    def as_dict(self) -> dict[str, Any]:
        """The flat form for listings."""
        return {"rule": self.rule, "found": self.found, "new": self.new,
                "delivered": self.delivered, "pending": self.pending}  # fmt: skip


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _body(finding: Finding, created: datetime) -> str:
    doc = {"id": finding.alert_id, "created_at": created.isoformat() + "Z", **finding.payload}
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, default=str)


def record(store: Store, rule: Rule, findings: list[Finding], mark: dict[str, str]) -> int:
    """Store the findings not yet alerted and move the rule's watermark, atomically; the
    number of new alerts."""
    created = _now()
    with store.begin() as conn:
        ids = [f.alert_id for f in findings]
        held = {r for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500))
                for r in conn.execute(sa.select(alerts.c.id).where(alerts.c.id.in_(chunk)))
                .scalars()}  # fmt: skip
        fresh = {f.alert_id: f for f in findings if f.alert_id not in held}
        if fresh:
            conn.execute(alerts.insert(), [
                {"id": f.alert_id, "rule_id": rule.id, "target_id": f.target_id,
                 "entry_key": f.entry_key, "regime": f.regime, "customer_id": f.customer_id,
                 "body": _body(f, created), "created_at": created,
                 "webhook_done": rule.webhook_url is None, "outbox_done": rule.outbox is None}
                for f in fresh.values()])  # fmt: skip
        kept = {"*": rule.watermark["*"]} if "*" in rule.watermark else {}
        conn.execute(alert_rules.update().where(alert_rules.c.id == rule.id)
                     .values(watermark={**kept, **mark}, last_run_at=created))  # fmt: skip
    return len(fresh)


def deliver_pending(store: Store, rule: Rule, how: Delivery) -> tuple[int, int]:
    """Send the rule's alerts not yet delivered, oldest first: (delivered, still pending)."""
    query = (
        sa.select(alerts.c.id, alerts.c.body, alerts.c.webhook_done, alerts.c.outbox_done)
        .where(alerts.c.rule_id == rule.id,
               sa.or_(alerts.c.webhook_done.is_(False), alerts.c.outbox_done.is_(False)))
        .order_by(alerts.c.created_at, alerts.c.id)
    )  # fmt: skip
    with store.read() as conn:
        rows = conn.execute(query).all()
    delivered = pending = 0
    for row in rows:
        body = row.body.encode("utf-8")
        webhook, outbox = row.webhook_done, row.outbox_done
        if not outbox and rule.outbox is not None:
            outbox = append_outbox(store, row.id, body, rule.outbox)
        if not webhook and rule.webhook_url is not None:
            webhook = post_webhook(store, row.id, body, rule.webhook_url, rule.secret or "", how)
        with store.begin() as conn:
            conn.execute(alerts.update().where(alerts.c.id == row.id)
                         .values(webhook_done=webhook, outbox_done=outbox))  # fmt: skip
        if webhook and outbox:
            delivered += 1
        else:
            pending += 1
    return delivered, pending


def run_rule(store: Store, rule: Rule, how: Delivery | None = None) -> RuleRun:
    """Evaluate one rule, store its new alerts and deliver what is pending."""
    mark = current_watermark(store)  # read first: what lands meanwhile is for the next run
    findings = evaluate(store, rule)
    new = record(store, rule, findings, mark)
    delivered, pending = deliver_pending(store, rule, how or Delivery())
    return RuleRun(rule.name, len(findings), new, delivered, pending)


def run_rules(
    store: Store, names: tuple[str, ...] = (), how: Delivery | None = None
) -> list[RuleRun]:
    """Run the named rules (every rule when none is named)."""
    rules = [get_rule(store, n) for n in names] if names else list_rules(store)
    return [run_rule(store, rule, how) for rule in rules]


def run_every(store: Store, minutes: float, stop: threading.Event,
              how: Delivery | None = None) -> None:  # fmt: skip
    """Run every rule now and then every `minutes` until `stop` is set (the periodic mode
    of `concord serve`); a failing run is logged and the next one still happens."""
    while not stop.is_set():
        try:
            for done in run_rules(store, how=how):
                log.info("alerts: %s", done.as_dict())
        except Exception:  # a background loop must outlive one bad run; logged in full
            log.exception("alerts: run failed")
        stop.wait(minutes * 60)


def start_periodic(store: Store, minutes: float) -> threading.Event:
    """Start `run_every` in a daemon thread; set the returned event to stop it."""
    if minutes <= 0:
        raise BadInput(f"alerts every {minutes} minutes: give a number above 0")
    stop = threading.Event()
    thread = threading.Thread(target=run_every, args=(store, minutes, stop),
                              name="concord-alerts", daemon=True)  # fmt: skip
    thread.start()
    return stop
