"""The store's read API for entry values: what the layers above read of the statements.

No module above the store writes SQL against the statement table (an import-linter
contract in pyproject.toml forbids importing `concord.store.statement_table` there); they
ask here, by property, schema, source and entry.

Example:
    >>> from concord.store import Store
    >>> list(current_values(Store("sqlite://"), props=("birthDate",)))
    []
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

import sqlalchemy as sa

from concord.store.statement_table import statements
from concord.store.store import Store
from concord.store.tables import entries


class Value(NamedTuple):
    """One value of one property of one entity of one entry."""

    entry_key: str
    entity_id: str
    schema: str
    prop: str
    value: str


_COLUMNS = (statements.c.entry_key, statements.c.entity_id, statements.c.schema,
            statements.c.prop, statements.c.value)  # fmt: skip


def _narrow(
    query: Any,
    props: Iterable[str] | None,
    schemata: Iterable[str] | None,
    sources: Iterable[str] | None,
    keys: Iterable[str] | None,
    value_in: Iterable[str] | None = None,
) -> Any:
    if props is not None:
        query = query.where(statements.c.prop.in_(list(props)))
    if schemata is not None:
        query = query.where(statements.c.schema.in_(list(schemata)))
    if sources is not None:
        query = query.where(statements.c.source.in_(list(sources)))
    if keys is not None:
        query = query.where(statements.c.entry_key.in_(list(keys)))
    if value_in is not None:
        query = query.where(statements.c.value.in_(list(value_in)))
    return query


def current_values(
    store: Store,
    props: Iterable[str] | None = None,
    schemata: Iterable[str] | None = None,
    sources: Iterable[str] | None = None,
    keys: Iterable[str] | None = None,
    value_in: Iterable[str] | None = None,
) -> Iterator[Value]:
    """Values every current snapshot states (each list's newest accepted one), narrowed by
    property, schema, source, entry key and value."""
    query = sa.select(*_COLUMNS).where(statements.c.last_snapshot.is_(None))
    query = _narrow(query, props, schemata, sources, keys, value_in)
    with store.read() as conn:
        for row in conn.execute(query):
            yield Value(*row)


def last_values_of_delisted(
    store: Store,
    props: Iterable[str] | None = None,
    sources: Iterable[str] | None = None,
    keys: Iterable[str] | None = None,
) -> Iterator[Value]:
    """Values of entries no longer listed, as the last snapshot that held them stated."""
    query = (
        sa.select(*_COLUMNS)
        .join(entries, entries.c.entry_key == statements.c.entry_key)
        .where(entries.c.present.is_(False), statements.c.last_seen == entries.c.last_seen)
    )
    query = _narrow(query, props, None, sources, keys)
    with store.read() as conn:
        for row in conn.execute(query):
            yield Value(*row)
