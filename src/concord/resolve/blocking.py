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
    """Index pairs (i < j) that share an identifier or reference, or a rare name key and
    one more name key (any key, however common: first names are common, surnames rare)."""
    keys = [name_keys(p) for p in profiles]
    blocks: dict[str, list[int]] = defaultdict(list)
    strong: dict[str, list[int]] = defaultdict(list)
    for index, profile in enumerate(profiles):
        for key in keys[index]:
            blocks[f"{kind(profile)}:{key}"].append(index)
        for ident in profile.identifiers | profile.refs:
            strong[ident].append(index)
    seen: set[tuple[int, int]] = set()
    for members in strong.values():
        if len(members) <= MAX_BLOCK:
            seen.update(_pairs(members))
    for members in blocks.values():
        if len(members) > MAX_BLOCK:
            continue
        for i, j in _pairs(members):
            if (i, j) in seen:
                continue
            shared = len(keys[i] & keys[j])
            if shared >= 2 or (shared == 1 and min(len(keys[i]), len(keys[j])) == 1):
                seen.add((i, j))
    yield from sorted(seen)


def _pairs(members: list[int]) -> Iterator[tuple[int, int]]:
    for x, i in enumerate(members):
        for j in members[x + 1 :]:
            yield (i, j) if i < j else (j, i)
