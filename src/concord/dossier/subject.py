"""Whom a dossier is about: a Concord target (its list entries' FtM entities, the US entry
first as the target page heads with it) or an FtM entity for someone listed nowhere yet.

Example:
    >>> from concord.store import Store
    >>> about(Store("sqlite://"), None, {"id": "p1", "schema": "Person",
    ...       "properties": {"name": ["Jane Roe"]}})["entry_keys"]
    []
"""

from __future__ import annotations

from typing import Any

from followthemoney import model

from concord.errors import BadInput
from concord.resolve.run import target
from concord.store import Store, queries


def subject_entity(data: dict[str, Any]) -> dict[str, Any]:
    """A valid FtM entity (a dict as FtM writes it); a property FtM would drop is refused.

    >>> subject_entity({"id": "x", "schema": "Person", "properties": {"name": ["A B"]}})
    {'id': 'x', 'schema': 'Person', 'properties': {'name': ['A B']}}
    """
    if (
        not isinstance(data, dict)
        or not data.get("id")
        or model.get(str(data.get("schema"))) is None
    ):
        raise BadInput("the entity needs an `id` and an FtM `schema` (e.g. Person)")
    props = data.get("properties") or {}
    if not isinstance(props, dict):
        raise BadInput("the entity's `properties` must map property names to lists of values")
    proxy = model.get_proxy(
        {"id": str(data["id"]), "schema": data["schema"], "properties": props}, cleaned=False
    )
    kept = proxy.to_dict()
    for prop, values in props.items():
        given = values if isinstance(values, list) else [values]
        if len(kept["properties"].get(prop, [])) != len(set(map(str, given))):
            raise BadInput(f"entity property {prop!r}: not valid FtM ({given!r})")
    if not kept["properties"].get("name"):
        raise BadInput("the entity needs a name")
    return {"id": kept["id"], "schema": kept["schema"], "properties": kept["properties"]}


def _entry_entities(store: Store, keys: list[str]) -> list[dict[str, Any]]:
    """The current FtM entities of some list entries (main entity first per entry)."""
    out: list[dict[str, Any]] = []
    for key in keys:
        detail = queries.entry_detail(store, key)
        found: dict[str, dict[str, Any]] = {}
        for s in detail["statements"]:
            if not s["current"]:
                continue
            ent = found.setdefault(
                s["entity_id"],
                {
                    "id": s["entity_id"],
                    "schema": s["schema"],
                    "properties": {},
                    "datasets": [detail["source"]],
                },
            )
            values = ent["properties"].setdefault(s["prop"], [])
            if s["value"] not in values:
                values.append(s["value"])
        main = found.pop(detail["entity_id"], None)
        out.extend([main] if main else [])
        out.extend(found[k] for k in sorted(found))
    return out


def about(store: Store, ref: str | None, entity: dict[str, Any] | None) -> dict[str, Any]:
    """Target id, entry keys, subject and entities of a new dossier."""
    if (ref is None) == (entity is None):
        raise BadInput("a dossier is about one target: give a target or an FtM entity")
    if ref is None and entity is not None:
        subject = subject_entity(entity)
        return {
            "target_ref": None,
            "target_id": None,
            "entry_keys": [],
            "subject": subject,
            "entities": [subject],
        }
    found = target(store, str(ref))
    keys = sorted(e["entry_key"] for e in found["entries"])
    entities = _entry_entities(store, keys)
    # The subject is the entry the target page heads with: the US one where there is one.
    named = sorted(keys, key=lambda k: (not k.startswith("us-ofac:"), k))
    first = _entry_entities(store, named[:1])
    subject = {k: first[0][k] for k in ("id", "schema", "properties")} if first else {}
    return {
        "target_ref": ref,
        "target_id": found["target_id"],
        "entry_keys": keys,
        "subject": subject,
        "entities": entities,
    }
