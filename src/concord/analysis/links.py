"""Links between list entries that the lists themselves state.

- OFAC `Linked To:` remarks, resolved by the parser into `UnknownLink` entities.
- UN references in the remarks of UK and UN entries ("Associated with ... (QDi.299)"),
  joined to the entries that carry that reference as their own (`unscId`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from concord.store.tables import statements

UN_REF = re.compile(r"\b([A-Z]{2}[ie]\.\d{3})\b")


def list_links(conn: Connection, by_entity: dict[str, str]) -> Iterator[tuple[str, str, str, str]]:
    """(entry a, entry b, role, entry key that states it) for every current link."""
    yield from _unknown_links(conn, by_entity)
    yield from _un_reference_links(conn)


def _unknown_links(
    conn: Connection, by_entity: dict[str, str]
) -> Iterator[tuple[str, str, str, str]]:
    query = sa.select(
        statements.c.entity_id, statements.c.entry_key, statements.c.prop, statements.c.value
    ).where(
        statements.c.schema == "UnknownLink",
        statements.c.prop.in_(("subject", "object", "role")),
        statements.c.last_snapshot.is_(None),
    )
    links: dict[str, dict[str, str]] = defaultdict(dict)
    for entity, key, prop, value in conn.execute(query):
        links[entity][prop] = value
        links[entity]["_stated"] = key
    for parts in links.values():
        a, b = by_entity.get(parts.get("subject", "")), by_entity.get(parts.get("object", ""))
        if a and b:
            yield a, b, parts.get("role", "linked"), parts["_stated"]


def _un_reference_links(conn: Connection) -> Iterator[tuple[str, str, str, str]]:
    owners: dict[str, set[str]] = defaultdict(set)
    refs = sa.select(statements.c.entry_key, statements.c.value).where(
        statements.c.prop == "unscId", statements.c.last_snapshot.is_(None)
    )
    for key, ref in conn.execute(refs):
        owners[ref].add(key)
    notes = sa.select(statements.c.entry_key, statements.c.value).where(
        statements.c.prop == "notes",
        statements.c.source.in_(("gb-ofsi", "gb-fcdo", "un-sc")),
        statements.c.last_snapshot.is_(None),
    )
    seen = set()
    for key, text in conn.execute(notes):
        for ref in UN_REF.findall(text):
            for other in owners.get(ref, ()):
                if other != key and (key, other) not in seen:
                    seen.add((key, other))
                    yield key, other, f"associated ({ref} in remarks)", key
