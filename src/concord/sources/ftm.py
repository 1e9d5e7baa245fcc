"""FollowTheMoney entities as JSON lines (e.g. an OpenSanctions ``entities.ftm.json`` export).

Each line is one entity ``{"id", "schema", "properties"}``; lines sharing an id are one
record (FtM streams may carry an entity in fragments). Our ids are
``entities.entity_id("opensanctions", original_id)``, and every entity-valued property
(``Sanction.entity``, ``Passport.holder``...) is rewritten the same way, so references
between the entities of the file stay intact. Sanction entities keep their own
``program``/``programId``; a Sanction line is a record of its own.

Example:
    >>> line = b'{"id": "NK-1", "schema": "Person", "properties": {"name": ["Ann Lee"]}}'
    >>> parsed = parse_ftm({"entities.ftm.json": line})
    >>> [(e.id, e.get("name")) for e in parsed.entities()]
    [('opensanctions-nk-1', ['Ann Lee'])]
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from followthemoney import StatementEntity, model, registry
from followthemoney.exc import InvalidData
from followthemoney.schema import Schema

from concord.errors import ParseError
from concord.model import entities
from concord.sources import base

SOURCE = "opensanctions"
ORIGIN = "ftm"
# Top-level keys of FtM exports that do not feed the entity (provenance, derived values).
IGNORED_KEYS = frozenset(
    {
        "caption",
        "datasets",
        "referents",
        "origin",
        "first_seen",
        "last_seen",
        "last_change",
        "target",
    }
)


def our_id(original_id: str) -> str:
    """The entity id Concord gives an entity of an FtM file.

    >>> our_id("Q7747")
    'opensanctions-q7747'
    """
    return entities.entity_id(SOURCE, original_id)


@dataclass
class _Entry:
    """The lines (parsed) of one entity id, in file order."""

    schema: Schema
    fragments: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Split:
    filename: str
    unknown: set[str] = field(default_factory=set)

    def warnings(self) -> list[str]:
        return [f"unexpected FtM field {name}" for name in sorted(self.unknown)]


def _lines(filename: str, data: bytes) -> Iterator[tuple[int, dict[str, Any]]]:
    text = base.decode_text(filename, data, ("utf-8-sig",))
    # Split on "\n" only: str.splitlines() also splits on U+0085, U+2028..., which JSON
    # strings may hold raw.
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ParseError(filename, f"invalid JSON at line {number}: {exc.msg}") from None
        if not isinstance(item, dict):
            raise ParseError(filename, f"line {number} is not a JSON object")
        yield number, item


def _check(split: _Split, number: int, item: dict[str, Any]) -> tuple[str, Schema]:
    """The id and schema of one line, refusing what cannot be an FtM entity."""
    entity_id, schema_name = item.get("id"), item.get("schema")
    if not isinstance(entity_id, str) or not entity_id.strip():
        raise ParseError(split.filename, f"entity without id at line {number}")
    schema = model.get(schema_name) if isinstance(schema_name, str) else None
    if schema is None:
        raise ParseError(split.filename, f"unknown schema {schema_name!r} at line {number}")
    properties = item.get("properties", {})
    if not isinstance(properties, dict) or not all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for v in properties.values()
    ):
        raise ParseError(split.filename, f"properties are not lists of strings at line {number}")
    split.unknown.update(f"{schema.name}.{p}" for p in properties if p not in schema.properties)
    split.unknown.update(k for k in item if k not in IGNORED_KEYS | {"id", "schema", "properties"})
    return entity_id, schema


def _fingerprint(entry: _Entry) -> str:
    canonical = [
        json.dumps(
            {k: f.get(k) for k in ("id", "schema", "properties")},
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for f in entry.fragments
    ]
    return base.fingerprint(canonical)


def parse_ftm(files: Mapping[str, bytes]) -> base.ParsedList:
    """Parse FtM JSON lines (the one ``*.json`` file of the snapshot)."""
    names = sorted(name for name in files if name.endswith(".json"))
    if len(names) != 1:
        raise ParseError(SOURCE, f"expected one .json file, got {names or 'none'}")
    split = _Split(names[0])
    found: dict[str, _Entry] = {}
    for number, item in _lines(split.filename, files[split.filename]):
        entity_id, schema = _check(split, number, item)
        entry = found.setdefault(entity_id, _Entry(schema))
        if entry.schema is not schema:
            # Fragments of one entity may use related schemata; keep the more specific one.
            try:
                entry.schema = model.common_schema(entry.schema, schema)
            except InvalidData:
                raise ParseError(
                    split.filename, f"entity {entity_id!r} with clashing schemata at line {number}"
                ) from None
        entry.fragments.append(item)
    if not found:
        raise ParseError(split.filename, "no entities in the file")
    _check_ids(split.filename, found)
    records = [_record(entity_id, entry) for entity_id, entry in found.items()]
    return base.ParsedList(
        source=SOURCE,
        records=records,
        components=frozenset({ORIGIN}),
        warnings=split.warnings(),
    )


def _check_ids(filename: str, found: Mapping[str, _Entry]) -> None:
    """Refuse ids that cannot become ours: two that become one (ids are slugified, e.g.
    "A b" and "a-B") would merge two entities, and an invalid one would break references."""
    mine: dict[str, str] = {}
    for entity_id in found:
        ours = our_id(entity_id)
        if registry.entity.clean(ours) is None:
            raise ParseError(filename, f"id {entity_id!r} gives an invalid entity id {ours!r}")
        other = mine.setdefault(ours, entity_id)
        if other != entity_id:
            raise ParseError(filename, f"ids {other!r} and {entity_id!r} both become {ours!r}")


def _record(entity_id: str, entry: _Entry) -> base.Record:
    return base.Record(
        local_id=entity_id,
        fingerprint=_fingerprint(entry),
        build=lambda: [build_entity(entity_id, entry.schema, entry.fragments)],
    )


def build_entity(
    entity_id: str, schema: Schema, fragments: list[dict[str, Any]]
) -> StatementEntity:
    """One statement entity from the fragments of an FtM entity, references rewritten."""
    entity = entities.make(SOURCE, schema.name, our_id(entity_id))
    for fragment in fragments:
        for name, values in (fragment.get("properties") or {}).items():
            prop = schema.properties.get(name)
            if prop is None:
                continue
            if prop.type == registry.entity:
                values = [our_id(v) for v in values]
            entity.add(prop, values, origin=ORIGIN, quiet=True)
    return entity
