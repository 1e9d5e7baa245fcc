"""Links between list entries that the lists themselves state.

- OFAC `Linked To:` remarks, resolved by the parser into `UnknownLink` entities.
- UN references in the remarks of UK and UN entries ("Associated with ... (QDi.299)"),
  joined to the entries that carry that reference as their own (`unscId`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from concord.store import Store
from concord.store.values import current_values

UN_REF = re.compile(r"\b([A-Z]{2}[ie]\.\d{3})\b")


def list_links(store: Store, by_entity: dict[str, str]) -> Iterator[tuple[str, str, str, str]]:
    """(entry a, entry b, role, entry key that states it) for every current link."""
    yield from _unknown_links(store, by_entity)
    yield from _un_reference_links(store)


def _unknown_links(store: Store, by_entity: dict[str, str]) -> Iterator[tuple[str, str, str, str]]:
    links: dict[str, dict[str, str]] = defaultdict(dict)
    for found in current_values(store, props=("subject", "object", "role"),
                                schemata=("UnknownLink",)):  # fmt: skip
        links[found.entity_id][found.prop] = found.value
        links[found.entity_id]["_stated"] = found.entry_key
    for parts in links.values():
        a, b = by_entity.get(parts.get("subject", "")), by_entity.get(parts.get("object", ""))
        if a and b:
            yield a, b, parts.get("role", "linked"), parts["_stated"]


def _un_reference_links(store: Store) -> Iterator[tuple[str, str, str, str]]:
    owners: dict[str, set[str]] = defaultdict(set)
    for found in current_values(store, props=("unscId",)):
        owners[found.value].add(found.entry_key)
    notes = current_values(store, props=("notes",), sources=("gb-ofsi", "gb-fcdo", "un-sc"))
    seen = set()
    for key, _, _, _, text in notes:
        for ref in UN_REF.findall(text):
            for other in owners.get(ref, ()):
                if other != key and (key, other) not in seen:
                    seen.add((key, other))
                    yield key, other, f"associated ({ref} in remarks)", key
