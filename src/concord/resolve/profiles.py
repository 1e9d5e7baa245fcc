"""What the resolver knows of each current list entry: names, dates, countries, identifiers.

A profile is read from the store's current statements: the entry's main entity, its
Passport / Identification entities (numbers joined to the holder), and its Sanctions
(cross references such as a UN reference number or a UK Sanctions List ref).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from rigour.ids import StrictFormat
from rigour.text import remove_bracketed_text

from concord.model.entities import target_schemata
from concord.model.regimes import registry
from concord.resolve.names import legal_forms, name_keys, name_tokens, org_name_tokens
from concord.store import Store
from concord.store.tables import entries
from concord.store.values import current_values, last_values_of_delisted

TARGET_SCHEMATA = target_schemata()
NAME_PROPS = ("name", "alias", "previousName")
COUNTRY_PROPS = ("nationality", "citizenship", "country", "birthCountry")
ID_PROPS = ("passportNumber", "idNumber", "imoNumber", "registrationNumber", "taxNumber",
            "innCode", "ogrnCode", "swiftBic", "serialNumber")  # fmt: skip
# Sanction properties that name the same designation in another list (source -> prefix).
REF_PROPS = {"unscId": "unsc", "authorityId": "auth", "recordId": "record"}


@dataclass
class Profile:
    """The resolver's view of one list entry."""

    entry_key: str
    source: str
    entity_id: str
    schema: str
    caption: str
    present: bool = True  # False: delisted; the profile holds its last listed statements
    names: list[str] = field(default_factory=list)
    weak_names: list[str] = field(default_factory=list)
    birth_dates: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    genders: set[str] = field(default_factory=set)
    identifiers: set[str] = field(default_factory=set)
    refs: set[str] = field(default_factory=set)
    # Derived once by `finish`: each strong name as folded words, and their sorted forms.
    forms: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    sorted_forms: frozenset[str] = frozenset()
    # Set by blocking: sorted forms of full names rare enough to identify (see blocking).
    distinctive: frozenset[str] = frozenset()
    # A body's legal forms as rigour writes them (`llc`, `fze`): two entries of one list
    # with the same name and different legal forms are two companies.
    legal_forms: frozenset[str] = frozenset()
    # A body's primary name (with and without what it adds in parentheses), folded.
    primary: list[tuple[str, ...]] = field(default_factory=list)
    # Context an analyst reads when a list gives little more than a name: what the entry's
    # regimes share with other jurisdictions' (`magnitsky`, `country:mm`, `unsc:1718`,
    # `Regime.families`) and the days the list says it was designated (ISO dates).
    families: set[str] = field(default_factory=set)
    listed: set[str] = field(default_factory=set)
    # Set by blocking: the content words of this profile's names that are common in the
    # store (held by more than `blocking.COMMON_WORD` entries of its kind).
    common_words: frozenset[str] = frozenset()
    # Derived once by `finish`: the phonetic keys of the strong names' words (blocking).
    keys: frozenset[str] = frozenset()
    # Set by blocking: the keys held by few current entries (`blocking.RARE_KEY`), and the
    # keys, identifiers and birth dates whose blocks are too crowded to draw pairs.
    rare_keys: frozenset[str] = frozenset()
    crowded: frozenset[str] = frozenset()


# What a profile keeps between runs (`to_record` / `from_record`): everything read from the
# store and derived by `finish`; blocking's marks are set afresh by every run.
_LISTS = ("names", "weak_names")
_SETS = ("birth_dates", "countries", "genders", "identifiers", "refs", "families", "listed")
_FROZEN = ("legal_forms", "keys")


def to_record(profile: Profile) -> dict[str, Any]:
    """A finished profile as JSON-ready data (`from_record` reads it back)."""
    head = ("entry_key", "source", "entity_id", "schema", "caption", "present")
    out: dict[str, Any] = {k: getattr(profile, k) for k in head}
    out.update({k: list(getattr(profile, k)) for k in _LISTS})
    out.update({k: sorted(getattr(profile, k)) for k in (*_SETS, *_FROZEN)})
    out["forms"] = [[name, list(tokens)] for name, tokens in profile.forms]
    out["primary"] = [list(tokens) for tokens in profile.primary]
    return out


def from_record(data: dict[str, Any]) -> Profile:
    """A finished profile from `to_record`'s data.

    >>> p = finish(Profile("x:1", "x", "e1", "Person", "CHEN Quanguo", birth_dates={"1955"}))
    >>> from_record(to_record(p)) == p
    True
    """
    profile = Profile(data["entry_key"], data["source"], data["entity_id"], data["schema"],
                      data["caption"], present=data["present"])  # fmt: skip
    for k in _LISTS:
        setattr(profile, k, list(data[k]))
    for k in _SETS:
        setattr(profile, k, set(data[k]))
    for k in _FROZEN:
        setattr(profile, k, frozenset(data[k]))
    profile.forms = [(name, tuple(tokens)) for name, tokens in data["forms"]]
    profile.sorted_forms = frozenset(" ".join(sorted(t)) for _, t in profile.forms)
    profile.primary = [tuple(tokens) for tokens in data["primary"]]
    return profile


def clean_identifier(value: str) -> str | None:
    """An identifier folded for comparison: upper case, letters and digits only (rigour's
    `strict` identifier format).

    >>> clean_identifier("No. 12-34 567"), clean_identifier("1"), clean_identifier("IMO8537097")
    ('NO1234567', None, '8537097')
    """
    folded = StrictFormat.normalize(value) or ""
    if folded.startswith("IMO") and folded[3:].isdigit():  # FtM writes IMO numbers "IMO1234567"
        folded = folded[3:]
    return folded if len(folded) >= 5 else None


def cross_refs(source: str, prop: str, value: str) -> set[str]:
    """The references a Sanction property gives, in a form shared across lists.

    The UK lists say the same things twice: OFSI's Group ID is the FCDO's `OFSI Group ID`,
    and OFSI's UK Sanctions List Ref is the FCDO's `Unique ID`.

    >>> sorted(cross_refs("gb-ofsi", "authorityId", "GHR0086"))
    ['uksl:GHR0086']
    """
    if prop == "unscId":
        return {f"unsc:{value.strip().upper()}"}
    if source in ("gb-ofsi", "gb-fcdo"):
        return {"uksl:" + value.strip()} if prop == "authorityId" else {"ofsi:" + value.strip()}
    return set()


def _apply(profile: Profile, prop: str, value: str, schema: str) -> None:
    if schema in TARGET_SCHEMATA:
        if prop in NAME_PROPS:
            profile.names.append(value)
        elif prop == "weakAlias":
            profile.weak_names.append(value)
        elif prop == "birthDate":
            profile.birth_dates.add(value)
        elif prop in COUNTRY_PROPS:
            profile.countries.add(value)
        elif prop == "gender":
            profile.genders.add(value)
        elif prop in ID_PROPS and (ident := clean_identifier(value)):
            profile.identifiers.add(ident)
    elif schema in ("Passport", "Identification") and prop == "number":
        if ident := clean_identifier(value):
            profile.identifiers.add(ident)
    elif schema == "Sanction":
        if prop in REF_PROPS:
            profile.refs |= cross_refs(profile.source, prop, value)
        elif prop == "programId" and (regime := registry().get(value)) is not None:
            profile.families |= regime.families
        elif prop == "listingDate" and len(value) >= 10:
            profile.listed.add(value[:10])


def load_profiles(
    store: Store, sources: set[str] | None = None, keys: set[str] | None = None,
    delisted: bool = True,
) -> list[Profile]:  # fmt: skip
    """A profile of every entry whose main entity is a person, body or craft: a current
    entry from its current statements, a delisted one (unless `delisted` is False) from the
    statements of the last snapshot that held it, so that "delisted by one list, still
    listed by another" is a fact about one target."""
    # Ordered, so that ties between equal scores break the same way in every run.
    query = (
        sa.select(entries)
        .where(entries.c.schema.in_(TARGET_SCHEMATA))
        .order_by(entries.c.entry_key)
    )
    if not delisted:
        query = query.where(entries.c.present.is_(True))
    if sources:
        query = query.where(entries.c.source.in_(sources))
    if keys:
        query = query.where(entries.c.entry_key.in_(keys))
    profiles: dict[str, Profile] = {}
    with store.read() as conn:
        for row in conn.execute(query):
            profiles[row.entry_key] = Profile(
                row.entry_key, row.source, row.entity_id, row.schema, row.caption,
                present=bool(row.present),
            )  # fmt: skip
    for found in current_values(store, sources=sources or None, keys=keys or None):
        profile = profiles.get(found.entry_key)
        if profile is not None:
            _apply(profile, found.prop, found.value, found.schema)
    if delisted:
        for found in last_values_of_delisted(store, sources=sources or None, keys=keys or None):
            profile = profiles.get(found.entry_key)
            if profile is not None and not profile.present:
                _apply(profile, found.prop, found.value, found.schema)
    return [finish(p) for p in profiles.values()]


def _unbracketed(name: str) -> str:
    """The name without what it adds in brackets (rigour's rule), spaces closed up."""
    return " ".join(remove_bracketed_text(name).split())


def _with_short_forms(profile: Profile) -> list[str]:
    """The names, and for a body each name without what it adds in parentheses (an
    acronym, a former name), which lists give or leave out at will."""
    if profile.schema == "Person":
        return profile.names
    short = (_unbracketed(name) for name in profile.names)
    return list(dict.fromkeys([*profile.names, *(s for s in short if s)]))


def finish(profile: Profile) -> Profile:
    # The store gives an entry's values in no stable order (two ingests of the same files
    # write them in different orders), and the first name is the primary one and breaks
    # ties between equal names: the list's own caption first, the others sorted, so the
    # same entry gives the same profile, scores and targets in every store.
    others = sorted({n for n in profile.names if n != profile.caption})
    profile.names = [profile.caption, *others] if profile.caption else others
    profile.weak_names = sorted(set(profile.weak_names))
    forms: dict[tuple[str, ...], str] = {}
    fold = name_tokens if profile.schema == "Person" else org_name_tokens
    for name in _with_short_forms(profile):
        tokens = fold(name)
        if tokens:
            forms.setdefault(tokens, name)
    profile.forms = [(name, tokens) for tokens, name in forms.items()]
    if profile.schema != "Person":
        profile.legal_forms = frozenset(legal_forms(n) for n in profile.names) - {""}
        short = _unbracketed(profile.caption)
        profile.primary = [t for t in {fold(profile.caption), fold(short)} if t]
    profile.sorted_forms = frozenset(" ".join(sorted(t)) for _, t in profile.forms)
    profile.keys = name_keys(profile.names)
    return profile
