"""Candidate pairs from shared rare name keys and shared identifiers: never all pairs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from concord.resolve.names import STOPWORDS, name_tokens, phonetic
from concord.resolve.profiles import Profile

MAX_BLOCK = 300  # a key shared by more entries than this says little (e.g. "mohammed")
PERSON = "Person"


def kind(profile: Profile) -> str:
    """Persons match persons; organisations, vessels and aircraft match each other."""
    return "person" if profile.schema == PERSON else "other"


def name_keys(profile: Profile) -> set[str]:
    """Phonetic keys of every content word of every strong name."""
    keys = set()
    for name in profile.names:
        for token in name_tokens(name):
            if len(token) > 1 and token not in STOPWORDS and not token.isdigit():
                keys.add(phonetic(token))
    return keys


def candidate_pairs(profiles: list[Profile]) -> Iterator[tuple[int, int]]:
    """Index pairs (i < j) that share two rare name keys, an identifier or a reference."""
    blocks: dict[str, list[int]] = defaultdict(list)
    strong: dict[str, list[int]] = defaultdict(list)
    single: set[int] = set()
    for index, profile in enumerate(profiles):
        keys = name_keys(profile)
        if len(keys) == 1:
            single.add(index)
        for key in keys:
            blocks[f"{kind(profile)}:{key}"].append(index)
        for ident in profile.identifiers | profile.refs:
            strong[ident].append(index)
    hits: dict[tuple[int, int], int] = defaultdict(int)
    for members in blocks.values():
        if len(members) <= MAX_BLOCK:
            for x, i in enumerate(members):
                for j in members[x + 1 :]:
                    hits[(i, j)] += 1
    for members in strong.values():
        if len(members) <= MAX_BLOCK:
            for x, i in enumerate(members):
                for j in members[x + 1 :]:
                    hits[(i, j)] += 2
    for (i, j), count in hits.items():
        if count >= 2 or i in single or j in single:
            yield (i, j) if i < j else (j, i)
