"""The store's tables (SQLAlchemy Core).

A statement row is one (entity, property, value) observed in an unbroken run of snapshots of
one source: `first_seen` is the first snapshot of the run, `last_seen` the last one, NULL
while the run is still open (the value is in the source's current snapshot). A value that
disappears and comes back gets a second row. An entry row holds the current fingerprint of
each list entry so unchanged entries are skipped on the next snapshot.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

snapshots = sa.Table(
    "snapshots",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source", sa.String(64), nullable=False, index=True),
    sa.Column("observed", sa.Date, nullable=False),
    sa.Column("published", sa.Date, nullable=True),
    # The date the snapshot stands for: the file's own publication date, else `observed`.
    sa.Column("effective", sa.Date, nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("files", sa.JSON, nullable=False),
    sa.Column("format", sa.String(64), nullable=True),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("entry_count", sa.Integer, nullable=True),
    sa.Column("status", sa.String(16), nullable=False),  # ok | refused
    sa.Column("message", sa.Text, nullable=True),
    sa.Column("warnings", sa.JSON, nullable=False),
    sa.Column("changes", sa.JSON, nullable=True),
    sa.Column("ingested_at", sa.DateTime, nullable=False),
    sa.Index("ix_snapshots_source_sha", "source", "sha256"),
)

entries = sa.Table(
    "entries",
    metadata,
    sa.Column("entry_key", sa.String(255), primary_key=True),
    sa.Column("source", sa.String(64), nullable=False, index=True),
    sa.Column("local_id", sa.String(255), nullable=False),
    sa.Column("entity_id", sa.String(255), nullable=False, index=True),
    sa.Column("schema", sa.String(64), nullable=False),
    sa.Column("caption", sa.Text, nullable=False),
    sa.Column("raw", sa.JSON, nullable=True),
    # JSON {component: fingerprint}; a component absent from a snapshot keeps its old value.
    sa.Column("fingerprint", sa.Text, nullable=False),
    sa.Column("first_seen", sa.Date, nullable=False),
    sa.Column("last_seen", sa.Date, nullable=False),
    sa.Column("present", sa.Boolean, nullable=False),
)

# Resolution: which entries are one target (rewritten by each resolution run).
target_members = sa.Table(
    "target_members",
    metadata,
    sa.Column("entry_key", sa.String(255), primary_key=True),
    sa.Column("target_id", sa.String(32), nullable=False, index=True),
    sa.Column("source", sa.String(64), nullable=False),
    sa.Column("run_id", sa.Integer, nullable=False),
)

# The scored pairs behind the targets: merged, refused by a guard, or close calls.
match_pairs = sa.Table(
    "match_pairs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key_a", sa.String(255), nullable=False, index=True),
    sa.Column("key_b", sa.String(255), nullable=False, index=True),
    sa.Column("score", sa.Float, nullable=False),
    # merged | refused | possible | judged-same | judged-different
    sa.Column("decision", sa.String(16), nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("features", sa.JSON, nullable=False),
    sa.Column("run_id", sa.Integer, nullable=False),
)

resolver_state = sa.Table(
    # What the last resolution run leaves for the next, as one compressed JSON document
    # (`resolve.run._state`): each entry's profile with the stamp of the entry state it was
    # built from, each entry's digest, target and marks, and each kept pair's score. An
    # incremental run reads it once instead of rebuilding and rescoring the unchanged.
    "resolver_state",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

profile_marks = sa.Table(
    # Name rarity as the last resolution run saw it in the whole store (blocking's marks),
    # so that scoring two entries alone (`concord compare`) gives the run's own score.
    "profile_marks",
    metadata,
    sa.Column("entry_key", sa.String(255), primary_key=True),
    sa.Column("distinctive", sa.JSON, nullable=False),
    sa.Column("common_words", sa.JSON, nullable=False),
)

resolution_runs = sa.Table(
    "resolution_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("seconds", sa.Float, nullable=False),
    sa.Column("profiles", sa.Integer, nullable=False),
    sa.Column("pairs", sa.Integer, nullable=False),
    sa.Column("targets", sa.Integer, nullable=False),
    sa.Column("multi", sa.Integer, nullable=False),
)

# Human judgements on pairs of entries: they win over any score and outlive every run.
judgements = sa.Table(
    "judgements",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key_a", sa.String(255), nullable=False),
    sa.Column("key_b", sa.String(255), nullable=False),
    sa.Column("verdict", sa.String(16), nullable=False),  # same | different | unsure
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("author", sa.String(255), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index("ix_judgements_pair", "key_a", "key_b"),
)

# Accounts of the web application: who may write, with which role (viewer, analyst, admin).
users = sa.Table(
    "users",
    metadata,
    sa.Column("name", sa.String(255), primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),  # argon2id, never the password
    sa.Column("created_at", sa.DateTime, nullable=False),
)

# API tokens for machines: only a SHA-256 of the token is kept (it is shown once).
api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("user_name", sa.String(255), nullable=False, index=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

# Signed-in browser sessions: the cookie carries a random id, only its SHA-256 is kept.
# Signing out or changing the password deletes the rows, which ends the sessions at once.
web_sessions = sa.Table(
    "web_sessions",
    metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("user_name", sa.String(255), nullable=False, index=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

# Every write through the web application or the account commands: who, what, when,
# and the state before and after.
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
    sa.Column("actor", sa.String(255), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("before", sa.JSON, nullable=True),
    sa.Column("after", sa.JSON, nullable=True),
)

# Screening decisions: an analyst's verdict on a hit for one customer. A false positive
# stops alerting until the target's data (its fingerprint) changes.
screening_decisions = sa.Table(
    "screening_decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("customer_id", sa.String(255), nullable=False),
    sa.Column("target_id", sa.String(32), nullable=False),
    sa.Column("verdict", sa.String(16), nullable=False),  # false-positive | true-match
    sa.Column("fingerprint", sa.String(32), nullable=False),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("author", sa.String(255), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index("ix_screening_decisions_customer", "customer_id", "target_id"),
)
