"""Candidate pairs from shared rare name keys and shared identifiers: never all pairs."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

from rapidfuzz import fuzz

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
    mark_distinctive(profiles, keys)
    # The same full date of birth and any one name key: catches surnames spelled apart by
    # transliteration (Chernyshev / Chernyshyov) whose other words are common.
    for members in _birth_blocks(profiles).values():
        if len(members) <= MAX_BLOCK:
            seen.update((i, j) for i, j in _pairs(members) if keys[i] & keys[j])
    for members in blocks.values():
        if len(members) > MAX_BLOCK:
            continue
        for i, j in _pairs(members):
            if (i, j) in seen:
                continue
            shared = len(keys[i] & keys[j])
            named = shared >= 2 or (shared == 1 and min(len(keys[i]), len(keys[j])) == 1)
            if named and (
                profiles[i].source != profiles[j].source or _may_be_one(profiles[i], profiles[j])
            ):
                seen.add((i, j))
    yield from sorted(seen)


SAME_LIST_NAME_RATIO = 85  # rapidfuzz ratio of two folded names of one list worth a look


def _may_be_one(a: Profile, b: Profile) -> bool:
    """Whether two entries of one list, joined by name keys only, are worth scoring.

    Two entries of one list merge only on strong evidence (a shared number or reference,
    the same name and birth date, a distinctive full name: `score.compare`); name keys
    alone draw about 230,000 such pairs of the whole store, of which a few hundred can be
    one target. Kept: a shared birth date or name form, a distinctive name, or primary
    names nearly alike (a person to review may judge them); the rest could never merge.
    """
    if a.birth_dates & b.birth_dates or a.sorted_forms & b.sorted_forms:
        return True
    if a.distinctive & b.distinctive:
        return True
    if not a.forms or not b.forms:
        return False
    # The primary names (each list's own first spelling), word order aside.
    x, y = (" ".join(sorted(p.forms[0][1])) for p in (a, b))
    return bool(fuzz.ratio(x, y, score_cutoff=SAME_LIST_NAME_RATIO))


def _pairs(members: list[int]) -> Iterator[tuple[int, int]]:
    for x, i in enumerate(members):
        for j in members[x + 1 :]:
            yield (i, j) if i < j else (j, i)


DISTINCTIVE_BLOCK = 30  # a name word this rare makes a 3+-word full name distinctive
# A name word held by more entries of one kind than this is common (Aung, Wang, Mohammed,
# Ali): a name made only of such words identifies nobody by itself (`score.common_name`).
COMMON_WORD = 40


def _birth_blocks(profiles: list[Profile]) -> dict[str, list[int]]:
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, profile in enumerate(profiles):
        for day in profile.birth_dates:
            if len(day) == 10:
                blocks[day].append(index)
    return blocks


def mark_distinctive(profiles: list[Profile], keys: list[set[str]]) -> None:
    """Mark the names of each profile that are distinctive (3+ words, one of them rare)
    and the words of its names that are common: name rarity, handed to the scorer on the
    profile so that every caller of `score.compare` sees the same thing.

    Two entries of one list with the same distinctive full name are the same target (a
    person Canada lists under two schedules); a common full name never says so alone.
    """
    # Rarity is counted among current entries only (a delisted entry is mostly a person
    # still listed elsewhere, counted there). Commonness is counted on the words as written
    # (folded), not on phonetic keys, which join unrelated short words (Gaus, Kiss, Koss).
    words_held: Counter[str] = Counter()
    keys_held: Counter[str] = Counter()
    for index, profile in enumerate(profiles):
        if profile.present:
            words_held.update({f"{kind(profile)}:{t}" for _, tokens in profile.forms
                               for t in tokens})  # fmt: skip
            keys_held.update(f"{kind(profile)}:{k}" for k in keys[index])
    for profile in profiles:
        rare = set()
        profile.common_words = frozenset(
            t for _, tokens in profile.forms for t in tokens
            if words_held[f"{kind(profile)}:{t}"] > COMMON_WORD
        )  # fmt: skip
        for _, tokens in profile.forms:
            words = [t for t in tokens if len(t) > 1 and t not in STOPWORDS]
            if len(words) >= 3 and any(
                keys_held[f"{kind(profile)}:{phonetic(t)}"] <= DISTINCTIVE_BLOCK for t in words
            ):
                rare.add(" ".join(sorted(tokens)))
        profile.distinctive = frozenset(rare)
