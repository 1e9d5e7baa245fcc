"""The index over every name of the current targets, built once per store state.

Each current list entry of a resolved target is kept as the resolver's `Profile` (so the
resolver's explainable `compare` scores it) and contributes its name keys to an inverted
index: the phonetic key of each word, and of each pair of adjacent words run together (a
name written `Quanguo` in one list and `Quan Guo` in another shares the key). Non-Latin
names are indexed through their Latin transliteration (`name_tokens`), so a Cyrillic or
Chinese query meets the Latin forms as well as the original script.

The index is flat arrays (`columns`), written once per store state beside the store and
memory-mapped by every later process (`persist`): a new `concord screen` starts in
milliseconds instead of rebuilding it.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sqlalchemy as sa

from concord.model import jurisdictions
from concord.model.regimes import registry
from concord.resolve.names import STOPWORDS, phonetic
from concord.resolve.profiles import Profile, from_record, load_profiles, to_record
from concord.screen import persist
from concord.screen.columns import (
    Columns,
    Lookup,
    Postings,
    Records,
    Texts,
    groups,
    pack_records,
    pack_texts,
)
from concord.store import Store, per_state
from concord.store.designations import designation_set
from concord.store.tables import entries, target_members


@dataclass
class TargetInfo:
    """What a screening result says of a target: its entries and designations."""

    target_id: str
    caption: str
    schema: str
    entry_keys: list[str]
    sources: list[str]
    jurisdictions: list[str]
    regimes: list[str]
    grounds: list[str]
    countries: list[str]
    fingerprint: str
    designations: list[dict[str, str]] = field(default_factory=list)


@dataclass
class ScreenIndex:
    """The screening index: entry profiles, their targets, and name-key postings.

    Every part is an array or a packed byte string (`columns.Columns`): the same whether
    just built or memory-mapped from the file a previous process wrote (`persist`)."""

    state: tuple[int, int]  # Store.state when built
    profiles: Sequence[Profile]
    targets: Sequence[TargetInfo]
    entry_target: np.ndarray  # entry index -> target index
    entry_person: np.ndarray  # entry index -> is a person
    entry_source: np.ndarray  # entry index -> position of its source in `sources`
    sources: list[str]
    postings: Postings  # name key -> entry indices, weighted by inverse document frequency
    facets: Postings  # "jurisdictions:UK", "grounds:human_rights", ... -> target indices
    by_target_id: Mapping[str, int]
    entry_index: Mapping[str, int]
    # Every entry's folded names, run together per entry: entry i owns
    # form_text[form_start[i]:form_start[i + 1]] (for a quick C-speed pre-score).
    form_text: Sequence[str]
    form_start: np.ndarray
    masks: dict[Any, np.ndarray] = field(default_factory=dict)  # per filters, by screen()

    @property
    def size(self) -> int:
        """The number of list entries indexed."""
        return len(self.profiles)

    @functools.cached_property
    def target_entries(self) -> list[list[int]]:
        """The entry indices of each target, in entry order."""
        return groups(self.entry_target, len(self.targets))

    def members(self, target_id: str) -> list[Profile]:
        """The indexed entry profiles of a target."""
        position = self.by_target_id.get(target_id)
        if position is None:
            return []
        return [self.profiles[i] for i in self.target_entries[position]]


def token_keys(tokens: tuple[str, ...]) -> set[str]:
    """The index keys of one name: each content word's phonetic key, and adjacent pairs'.

    >>> from concord.resolve.names import name_tokens
    >>> sorted(token_keys(name_tokens("CHEN Quan Guo")))
    ['K', 'KN', 'KNK', 'KNKN']
    """
    words = [t for t in tokens if len(t) > 1 and t not in STOPWORDS and not t.isdigit()]
    keys = {phonetic(t) for t in words}
    keys.update(phonetic(a + b) for a, b in itertools.pairwise(words))
    return keys


def profile_keys(profile: Profile) -> set[str]:
    """Every index key of every strong name of a profile."""
    keys: set[str] = set()
    for _, tokens in profile.forms:
        keys |= token_keys(tokens)
    return keys


def store_state(store: Store) -> tuple[int, int]:
    """What the index depends on: the store's newest snapshot and resolution run."""
    with store.read() as conn:
        return Store.state(conn)


def _regimes_by_entry(store: Store) -> dict[str, set[str]]:
    """Each entry's regimes in force, from the one read model."""
    out: dict[str, set[str]] = defaultdict(set)
    for d in designation_set(store).select():
        if d.regime is not None:
            out[d.entry_key].add(d.regime)
    return out


def _members(store: Store) -> tuple[dict[str, str], dict[str, str]]:
    with store.read() as conn:
        members = dict(
            conn.execute(sa.select(target_members.c.entry_key, target_members.c.target_id)).all()
        )
        prints = dict(
            conn.execute(
                sa.select(entries.c.entry_key, entries.c.fingerprint).where(
                    entries.c.present.is_(True)
                )
            ).all()
        )
    return members, prints


def _target_info(tid: str, group: list[Profile], regimes: dict[str, set[str]],
                 prints: dict[str, str]) -> TargetInfo:  # fmt: skip
    reg = registry()
    designations = []
    for p in sorted(group, key=lambda p: p.entry_key):
        juris = jurisdictions.of_source(p.source) or ""
        for key in sorted(regimes.get(p.entry_key, ())) or [""]:
            regime = reg.get(key) if key else None
            designations.append({"entry_key": p.entry_key, "source": p.source,
                                 "jurisdiction": jurisdictions.shown(regime.jurisdiction) if regime
                                 else juris,
                                 "regime": key})  # fmt: skip
    grounds = {g for d in designations if (r := reg.get(d["regime"])) for g in r.grounds}
    digest = hashlib.sha1()
    for p in sorted(group, key=lambda p: p.entry_key):
        digest.update(f"{p.entry_key}={prints.get(p.entry_key, '')};".encode())
    main = min(group, key=lambda p: p.entry_key)
    return TargetInfo(
        target_id=tid, caption=main.caption, schema=main.schema,
        entry_keys=sorted(p.entry_key for p in group),
        sources=sorted({p.source for p in group}),
        jurisdictions=sorted({d["jurisdiction"] for d in designations if d["jurisdiction"]}),
        regimes=sorted({d["regime"] for d in designations if d["regime"]}),
        grounds=sorted(grounds), countries=sorted({c for p in group for c in p.countries}),
        fingerprint=digest.hexdigest()[:16], designations=designations,
    )  # fmt: skip


FACETS = ("jurisdictions", "regimes", "grounds", "countries")  # of TargetInfo, for filters


def build_columns(store: Store) -> Columns:
    """The index of every current entry that belongs to a resolved target, as flat parts."""
    state = store_state(store)
    members, prints = _members(store)
    profiles = [p for p in load_profiles(store, delisted=False)
                if p.entry_key in members and p.forms]  # fmt: skip
    regimes = _regimes_by_entry(store)
    grouped: dict[str, list[Profile]] = defaultdict(list)
    for profile in profiles:
        grouped[members[profile.entry_key]].append(profile)
    targets = [_target_info(tid, g, regimes, prints) for tid, g in sorted(grouped.items())]
    by_target_id = {t.target_id: i for i, t in enumerate(targets)}
    sources = sorted({p.source for p in profiles})
    arrays = {
        "entry_target": np.array([by_target_id[members[p.entry_key]] for p in profiles],
                                 np.int32),
        "entry_person": np.array([p.schema == "Person" for p in profiles], bool),
        "entry_source": np.array([sources.index(p.source) for p in profiles], np.int16),
        "form_start": np.cumsum([0] + [len(p.forms) for p in profiles]).astype(np.int64),
    }  # fmt: skip
    blobs = {}
    blobs["profiles"], arrays["profile_start"] = pack_records(map(to_record, profiles))
    blobs["targets"], arrays["target_start"] = pack_records(map(dataclasses.asdict, targets))
    blobs["forms"], arrays["form_offsets"] = pack_texts(
        " ".join(t) for p in profiles for _, t in p.forms
    )
    _add_postings(arrays, "keys", _name_postings(profiles))
    _add_postings(arrays, "facets", Postings.build(_facet_lists(targets)))
    _add_lookup(arrays, "entry_keys", Lookup.build([p.entry_key for p in profiles]))
    _add_lookup(arrays, "target_ids", Lookup.build([t.target_id for t in targets]))
    return Columns(arrays, blobs, {"state": list(state), "sources": sources})


def _name_postings(profiles: list[Profile]) -> Postings:
    lists: dict[str, list[int]] = defaultdict(list)
    for index, profile in enumerate(profiles):
        for key in profile_keys(profile):
            lists[key].append(index)
    total = max(1, len(profiles))
    return Postings.build(lists, {k: math.log(1 + total / len(v)) for k, v in lists.items()})


def _facet_lists(targets: list[TargetInfo]) -> dict[str, list[int]]:
    lists: dict[str, list[int]] = defaultdict(list)
    for position, target in enumerate(targets):
        for facet in FACETS:
            for value in getattr(target, facet):
                lists[f"{facet}:{value}"].append(position)
    return lists


def _add_postings(arrays: dict[str, np.ndarray], name: str, postings: Postings) -> None:
    arrays[f"{name}_names"] = postings.lookup.keys_array
    arrays[f"{name}_start"], arrays[f"{name}_ids"] = postings.starts, postings.ids
    arrays[f"{name}_weight"] = postings.weights


def _add_lookup(arrays: dict[str, np.ndarray], name: str, lookup: Lookup) -> None:
    arrays[f"{name}_sorted"], arrays[f"{name}_order"] = lookup.keys_array, lookup.positions


def _postings(arrays: dict[str, np.ndarray], name: str) -> Postings:
    names = arrays[f"{name}_names"]
    return Postings(Lookup(names, np.arange(len(names), dtype=np.int32)),
                    arrays[f"{name}_start"], arrays[f"{name}_ids"],
                    arrays[f"{name}_weight"])  # fmt: skip


def _lookup(arrays: dict[str, np.ndarray], name: str) -> Lookup:
    return Lookup(arrays[f"{name}_sorted"], arrays[f"{name}_order"])


def _target(data: dict[str, Any]) -> TargetInfo:
    return TargetInfo(**data)


def assemble(columns: Columns) -> ScreenIndex:
    """The index over its parts, built or memory-mapped."""
    arrays, blobs = columns.arrays, columns.blobs
    state = columns.meta["state"]
    return ScreenIndex(
        state=(int(state[0]), int(state[1])),
        profiles=Records(blobs["profiles"], arrays["profile_start"], from_record),
        targets=Records(blobs["targets"], arrays["target_start"], _target),
        entry_target=arrays["entry_target"], entry_person=arrays["entry_person"],
        entry_source=arrays["entry_source"], sources=list(columns.meta["sources"]),
        postings=_postings(arrays, "keys"), facets=_postings(arrays, "facets"),
        by_target_id=_lookup(arrays, "target_ids"), entry_index=_lookup(arrays, "entry_keys"),
        form_text=Texts(blobs["forms"], arrays["form_offsets"]), form_start=arrays["form_start"],
    )  # fmt: skip


def build_index(store: Store) -> ScreenIndex:
    """Build the index of the store's current state in memory (nothing written)."""
    return assemble(build_columns(store))


@per_state
def get_index(store: Store) -> ScreenIndex:
    """The index of the store's current state: loaded from the file written beside the
    store (`persist`) when there is one for this state, else built and written there;
    kept on the store for the process's later queries (the API shares it). Refused while
    the store holds snapshots no finished resolution has read."""
    store.require_resolved()
    return assemble(persist.columns_for(store, build_columns))
