"""The store: snapshots and entity statements with first_seen / last_seen.

SQLite file by default, PostgreSQL (or any SQLAlchemy URL) by `CONCORD_DATABASE_URL`.
"""

from concord.store.store import Store, default_url, per_state

__all__ = ["Store", "default_url", "per_state"]
