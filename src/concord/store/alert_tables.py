"""The tables of alerts (`concord.alerts`): rules, the alerts they raised, each delivery.

An alert's id is a hash of (rule, target, designation[, customer]): raising it again is a
no-op, so a rule run twice never sends twice. An alert row is written before any delivery
is tried (the store is the outbox): a webhook that stays down leaves the alert pending,
and the next run delivers it. Every delivery attempt is one row, never updated.
"""

from __future__ import annotations

import sqlalchemy as sa

from concord.store.tables import metadata

alert_rules = sa.Table(
    "alert_rules",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(255), nullable=False, unique=True),
    sa.Column("kind", sa.String(32), nullable=False),  # new-designation | screened-customer
    sa.Column("filters", sa.JSON, nullable=False),
    sa.Column("webhook_url", sa.Text, nullable=True),
    sa.Column("secret", sa.Text, nullable=True),  # HMAC key of the webhook signature
    sa.Column("outbox", sa.Text, nullable=True),  # path of a JSON-lines file
    sa.Column("customers", sa.Text, nullable=True),  # path of a customers file to re-screen
    # {source: effective date of its newest snapshot} when the rule last ran (or was made):
    # what appeared after it is "changed since the last run".
    sa.Column("watermark", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_run_at", sa.DateTime, nullable=True),
)

alerts = sa.Table(
    "alerts",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # sha256 of the alert's identity
    sa.Column("rule_id", sa.Integer, nullable=False, index=True),
    sa.Column("target_id", sa.String(255), nullable=False),
    sa.Column("entry_key", sa.String(255), nullable=False),
    sa.Column("regime", sa.String(64), nullable=True),
    sa.Column("customer_id", sa.String(255), nullable=True),
    sa.Column("body", sa.Text, nullable=False),  # the exact JSON sent, the same each attempt
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("webhook_done", sa.Boolean, nullable=False),
    sa.Column("outbox_done", sa.Boolean, nullable=False),
)

alert_deliveries = sa.Table(
    "alert_deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("alert_id", sa.String(64), nullable=False, index=True),
    sa.Column("channel", sa.String(16), nullable=False),  # webhook | outbox
    sa.Column("attempt", sa.Integer, nullable=False),
    sa.Column("ok", sa.Boolean, nullable=False),
    sa.Column("http_status", sa.Integer, nullable=True),
    sa.Column("error", sa.Text, nullable=True),
    sa.Column("at", sa.DateTime, nullable=False),
)
