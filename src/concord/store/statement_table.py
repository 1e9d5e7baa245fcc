"""The statement table: every value every list stated, with first_seen / last_seen.

Only the store layer reads it (`store/values.py`, `store/designations.py`, `store/queries.py`)
and writes it (`store/writer.py`); an import-linter contract in pyproject.toml keeps the
layers above out, so they read designations and values through the store's read API.
"""

from __future__ import annotations

import sqlalchemy as sa

from concord.store.tables import metadata

statements = sa.Table(
    "statements",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("stmt_id", sa.String(40), nullable=False),
    sa.Column("entry_key", sa.String(255), nullable=False),
    sa.Column("source", sa.String(64), nullable=False),
    sa.Column("entity_id", sa.String(255), nullable=False),
    sa.Column("schema", sa.String(64), nullable=False),
    sa.Column("prop", sa.String(64), nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("lang", sa.String(8), nullable=True),
    sa.Column("original_value", sa.Text, nullable=True),
    sa.Column("origin", sa.String(64), nullable=True),
    sa.Column("first_seen", sa.Date, nullable=False),
    sa.Column("first_snapshot", sa.Integer, nullable=False),
    sa.Column("last_seen", sa.Date, nullable=True),
    sa.Column("last_snapshot", sa.Integer, nullable=True),
    sa.Index("ix_statements_entry", "entry_key", "last_snapshot"),
    sa.Index("ix_statements_entity", "entity_id"),
    sa.Index("ix_statements_prop_value", "prop", "value"),
)
