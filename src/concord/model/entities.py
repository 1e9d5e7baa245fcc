"""FollowTheMoney helpers shared by every parser: entity ids, entry keys, factories."""

from __future__ import annotations

import hashlib
from functools import cache
from typing import TYPE_CHECKING

from normality import slugify

if TYPE_CHECKING:
    from followthemoney import Dataset, StatementEntity

# FtM is imported where it is used: loading its data model takes ~0.3-0.8 s, which a
# process that only reads the store (a screening) should not pay.

# FtM entity ids allow letters, digits, dots and dashes only; entry keys (DESIGN.md) use
# colons, so the two are kept apart: the id is derived from the key, never the reverse.


def entry_key(source: str, local_id: str) -> str:
    """The user-facing key of a list entry.

    >>> entry_key("us-ofac", "36")
    'us-ofac:36'
    """
    return f"{source}:{local_id}"


def entity_id(source: str, local_id: str) -> str:
    """The FtM entity id of a list entry's main entity (stable across snapshots).

    >>> entity_id("ca-sema", "Russia:1P1:54")
    'ca-sema-russia-1p1-54'
    """
    # FtM refuses ids ending in a dash, which slugify leaves for some scripts ("A𢨲" -> "a-").
    slug = (slugify(local_id, sep="-") or "").strip("-")
    if not slug:
        slug = hashlib.sha1(local_id.encode("utf-8")).hexdigest()[:16]
    return f"{source}-{slug}"


def sanction_id(main_id: str, regime: str) -> str:
    """The id of the Sanction entity for one designation (entry + regime).

    >>> sanction_id("us-ofac-36", "US-CUBA")
    'us-ofac-36-sanction-us-cuba'
    """
    return f"{main_id}-sanction-{slugify(regime, sep='-') or 'unknown'}"


@cache
def dataset(source: str) -> Dataset:
    """The FtM dataset of a source (FtM dataset names take underscores, not dashes)."""
    from followthemoney import Dataset

    return Dataset.make({"name": source.replace("-", "_"), "title": source})


def make(source: str, schema: str, entity_id_: str) -> StatementEntity:
    """A new, empty statement entity of `source`."""
    from followthemoney import StatementEntity

    return StatementEntity(dataset(source), {"schema": schema, "id": entity_id_})


def source_of(entity: StatementEntity) -> str:
    """The source id an entity was made for."""
    return entity.dataset.name.replace("_", "-")


def target_schemata() -> tuple[str, ...]:
    """The schemata of what a list designates (a target): every kind of legal entity (person,
    organization, company, public body) and the crafts lists name (vessel, airplane): the
    concrete schemata FtM's hierarchy puts under those (`Schema.is_a`; named here so that
    reading them loads no FtM model, and tested equal to the hierarchy's answer).

    >>> target_schemata()
    ('Airplane', 'Company', 'LegalEntity', 'Organization', 'Person', 'PublicBody', 'Vessel')
    """
    return _TARGET_SCHEMATA


# The names FtM gives them, fixed here so that reading them needs no FtM import; a test holds
# them equal to `_target_schemata()`, which reads FtM's schema hierarchy.
_TARGET_SCHEMATA = ("Airplane", "Company", "LegalEntity", "Organization", "Person",
                    "PublicBody", "Vessel")  # fmt: skip


def is_target_schema(name: str) -> bool:
    """Whether entities of the schema named `name` can be targets."""
    from followthemoney import model

    schema = model.get(name)
    return schema is not None and any(schema.is_a(kind) for kind in _TARGET_ROOTS)


_TARGET_ROOTS = ("LegalEntity", "Vessel", "Airplane")


def _target_schemata() -> tuple[str, ...]:
    """Every concrete FtM schema that `is_target_schema` (what `target_schemata` fixes)."""
    from followthemoney import model

    return tuple(sorted(s.name for s in model.schemata.values()
                        if not s.abstract and is_target_schema(s.name)))  # fmt: skip
