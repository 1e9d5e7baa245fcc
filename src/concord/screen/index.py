"""An in-memory index over every name of the current targets, built once per store state.

Each current list entry of a resolved target is kept as the resolver's `Profile` (so the
resolver's explainable `compare` scores it) and contributes its name keys to an inverted
index: the phonetic key of each word, and of each pair of adjacent words run together (a
name written `Quanguo` in one list and `Quan Guo` in another shares the key). Non-Latin
names are indexed through their Latin transliteration (`name_tokens`), so a Cyrillic or
Chinese query meets the Latin forms as well as the original script.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sqlalchemy as sa

from concord.model import jurisdictions
from concord.model.regimes import registry
from concord.resolve.names import STOPWORDS, phonetic
from concord.resolve.profiles import Profile, load_profiles
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
    """The screening index: entry profiles, their targets, and name-key postings."""

    state: tuple[int, int]  # Store.state when built
    profiles: list[Profile]
    targets: list[TargetInfo]
    entry_target: np.ndarray  # entry index -> target index
    entry_person: np.ndarray  # entry index -> is a person
    entry_source: list[str]
    postings: dict[str, np.ndarray]  # name key -> entry indices
    weights: dict[str, float]  # name key -> inverse document frequency
    by_target_id: dict[str, int] = field(default_factory=dict)
    target_entries: list[list[int]] = field(default_factory=list)
    # Every entry's folded names, run together per entry: entry i owns
    # form_text[form_start[i]:form_start[i + 1]] (for a quick C-speed pre-score).
    form_text: list[str] = field(default_factory=list)
    form_start: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    entry_index: dict[str, int] = field(default_factory=dict)
    masks: dict[Any, np.ndarray] = field(default_factory=dict)  # per filters, by screen()

    @property
    def size(self) -> int:
        """The number of list entries indexed."""
        return len(self.profiles)

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


def build_index(store: Store) -> ScreenIndex:
    """Build the index of every current entry that belongs to a resolved target."""
    state = store_state(store)
    members, prints = _members(store)
    profiles = [p for p in load_profiles(store, delisted=False)
                if p.entry_key in members and p.forms]  # fmt: skip
    regimes = _regimes_by_entry(store)
    groups: dict[str, list[Profile]] = defaultdict(list)
    for profile in profiles:
        groups[members[profile.entry_key]].append(profile)
    targets = [_target_info(tid, g, regimes, prints) for tid, g in sorted(groups.items())]
    by_target_id = {t.target_id: i for i, t in enumerate(targets)}
    entry_target = np.array([by_target_id[members[p.entry_key]] for p in profiles], np.int32)
    entry_person = np.array([p.schema == "Person" for p in profiles], bool)
    lists: dict[str, list[int]] = defaultdict(list)
    for index, profile in enumerate(profiles):
        for key in profile_keys(profile):
            lists[key].append(index)
    total = max(1, len(profiles))
    postings = {k: np.array(v, np.int32) for k, v in lists.items()}
    weights = {k: math.log(1 + total / len(v)) for k, v in lists.items()}
    members_of: list[list[int]] = [[] for _ in targets]
    for index, target in enumerate(entry_target):
        members_of[int(target)].append(index)
    form_text = [" ".join(t) for p in profiles for _, t in p.forms]
    form_start = np.cumsum([0] + [len(p.forms) for p in profiles])
    return ScreenIndex(state, profiles, targets, entry_target, entry_person,
                       [p.source for p in profiles], postings, weights, by_target_id,
                       members_of, form_text, form_start,
                       {p.entry_key: i for i, p in enumerate(profiles)})  # fmt: skip


@per_state
def get_index(store: Store) -> ScreenIndex:
    """The index of the store's current state: built once, reused until a resolution run or
    snapshot changes it (repeated queries in one process and the API share it)."""
    return build_index(store)
