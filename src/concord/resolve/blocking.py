"""Candidate pairs from shared rare name keys and shared identifiers: never all pairs."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from concord.resolve.names import STOPWORDS, phonetic
from concord.resolve.profiles import Profile

MAX_BLOCK = 300  # a key shared by more entries than this says little (e.g. "mohammed")
# Two entries of different lists that share only name keys held by more than RARE_KEY
# current entries of their kind (Mohammed, Ali, Hassan; Iran, Trading, Company) are scored
# only when some pair of their names agrees: a token-set ratio of at least NAME_CHECK
# (rapidfuzz, words in any order, extra words free). On the whole mirror this leaves
# about a third of the candidate pairs and loses no link a full scoring made
# (checked 2026-12-08: 0 merged pairs lost at 70, 5 at 80).
RARE_KEY = 40
NAME_CHECK = 70
PERSON = "Person"


def kind(profile: Profile) -> str:
    """Persons match persons; organisations, vessels and aircraft match each other."""
    return "person" if profile.schema == PERSON else "other"


class Blocks:
    """The blocks of every profile (name keys, identifiers and references, full birth
    dates), built once; marks each profile with its name rarity (`mark_distinctive`) and
    with the blocking facts that decide its pairs (`rare_keys`, `crowded`), so a profile's
    digest changes whenever its candidate pairs may."""

    def __init__(self, profiles: list[Profile]) -> None:
        self.profiles = profiles
        held = mark_distinctive(profiles)
        # Name blocks per kind (persons match persons), members in index order.
        self.names: dict[str, dict[str, list[int]]] = {
            "person": defaultdict(list), "other": defaultdict(list)
        }  # fmt: skip
        self.strong: dict[str, list[int]] = defaultdict(list)
        self.births: dict[str, list[int]] = defaultdict(list)
        for index, profile in enumerate(profiles):
            blocks = self.names[kind(profile)]
            for key in profile.keys:
                blocks[key].append(index)
            for ident in profile.identifiers | profile.refs:
                self.strong[ident].append(index)
            for day in profile.birth_dates:
                if len(day) == 10:
                    self.births[day].append(index)
        # Crowded numbers and days are marked as `number:` and `born:`, apart from name keys.
        crowded = {f"number:{k}" for k, m in self.strong.items() if len(m) > MAX_BLOCK}
        crowded |= {f"born:{k}" for k, m in self.births.items() if len(m) > MAX_BLOCK}
        for profile in profiles:
            counts, blocks = held[kind(profile)], self.names[kind(profile)]
            profile.rare_keys = frozenset(k for k in profile.keys if counts[k] <= RARE_KEY)
            names = {k for k in profile.keys if len(blocks[k]) > MAX_BLOCK}
            own = {f"number:{k}" for k in profile.identifiers | profile.refs}
            own |= {f"born:{k}" for k in profile.birth_dates}
            profile.crowded = frozenset(names | (own & crowded))

    def pairs(self, only: Iterable[int] | None = None) -> list[tuple[int, int]]:
        """Index pairs (i < j) that share an identifier or reference, the same full date of
        birth and a name key, or two name keys (one when a name has a single key) of which
        one is rare or whose names agree (`NAME_CHECK`); two entries of one list only when
        `_may_be_one`. With `only`, the pairs that touch one of those indices (an
        incremental run): the very pairs a full enumeration gives them.

        A name key shared by more than `MAX_BLOCK` entries of a kind draws no pairs by
        itself but still counts as shared.
        """
        profiles = self.profiles
        keys = [p.keys for p in profiles]
        focused = None if only is None else set(only)
        seen: set[tuple[int, int]] = set()
        texts: dict[int, list[str]] = {}  # names for the check, made when first needed
        for i in range(len(profiles)) if focused is None else sorted(focused):
            profile = profiles[i]
            near: set[int] = set()
            for ident in profile.identifiers | profile.refs:
                if len(members := self.strong[ident]) <= MAX_BLOCK:
                    near.update(_later(members, i, focused))
            for day in profile.birth_dates:
                if len(members := self.births.get(day, [])) <= MAX_BLOCK:
                    near.update(j for j in _later(members, i, focused) if keys[i] & keys[j])
            seen.update((min(i, j), max(i, j)) for j in near)
            counts: Counter[int] = Counter()
            blocks = self.names[kind(profile)]
            for key in keys[i] - profile.crowded:
                counts.update(_later(blocks[key], i, focused))
            crowded = keys[i] & profile.crowded
            single = len(keys[i]) == 1
            check: list[int] = []
            for j, small in counts.items():
                if j in near:
                    continue
                # Keys shared: `small` of the blocks drawn from, plus any too big to draw.
                shared = small + (len(crowded & keys[j]) if crowded else 0)
                if shared < 2 and not (single or len(keys[j]) == 1):
                    continue
                other = profiles[j]
                if profile.source == other.source:
                    if _may_be_one(profile, other):
                        seen.add((min(i, j), max(i, j)))
                elif profile.rare_keys & keys[j]:
                    seen.add((min(i, j), max(i, j)))
                else:
                    check.append(j)
            seen.update((min(i, j), max(i, j)) for j in _names_agree(profiles, texts, i, check))
        return sorted(seen)


def candidate_pairs(
    profiles: list[Profile], only: Iterable[int] | None = None
) -> Iterator[tuple[int, int]]:
    """`Blocks(profiles).pairs(only)`: candidate pairs, never all pairs."""
    yield from Blocks(profiles).pairs(only)


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


def _later(members: list[int], i: int, focused: set[int] | None) -> list[int]:
    """The members (in index order) that pair with i at i's turn, so each pair is drawn
    once: in a full run those after i; in a focused one, any but i whose own turn does not
    come (not focused, or after i)."""
    if focused is None:
        return members[bisect_right(members, i) :]
    return [j for j in members if j != i and (j > i or j not in focused)]


def _names_agree(
    profiles: list[Profile], texts: dict[int, list[str]], i: int, others: list[int]
) -> set[int]:
    """Those of `others` with a name whose token-set ratio to one of i's is NAME_CHECK or
    more (one rapidfuzz matrix for all of them). `texts` keeps each profile's names as the
    check reads them (words sorted: word order is free), made once, when first needed."""
    if not others:
        return set()
    for k in (i, *others):
        if k not in texts:
            texts[k] = sorted(profiles[k].sorted_forms)
    if not texts[i]:
        return set(others)
    columns = [text for j in others for text in texts[j]]
    owners = [j for j in others for _ in texts[j]]
    if not columns:
        return set(others)
    matrix = cdist(texts[i], columns, scorer=fuzz.token_set_ratio, score_cutoff=NAME_CHECK)
    best = matrix.max(axis=0)
    return {owners[c] for c in best.nonzero()[0]}


DISTINCTIVE_BLOCK = 30  # a name word this rare makes a 3+-word full name distinctive
# A name word held by more entries of one kind than this is common (Aung, Wang, Mohammed,
# Ali): a name made only of such words identifies nobody by itself (`score.common_name`).
COMMON_WORD = 40


def mark_distinctive(profiles: list[Profile]) -> dict[str, Counter[str]]:
    """Mark the names of each profile that are distinctive (3+ words, one of them rare)
    and the words of its names that are common: name rarity, handed to the scorer on the
    profile so that every caller of `score.compare` sees the same thing. Returns, per kind,
    how many current entries hold each name key.

    Two entries of one list with the same distinctive full name are the same target (a
    person Canada lists under two schedules); a common full name never says so alone.
    """
    # Rarity is counted among current entries only (a delisted entry is mostly a person
    # still listed elsewhere, counted there). Commonness is counted on the words as written
    # (folded), not on phonetic keys, which join unrelated short words (Gaus, Kiss, Koss).
    words_held: dict[str, Counter[str]] = {"person": Counter(), "other": Counter()}
    keys_held: dict[str, Counter[str]] = {"person": Counter(), "other": Counter()}
    for profile in profiles:
        if profile.present:
            words_held[kind(profile)].update({t for _, tokens in profile.forms for t in tokens})
            keys_held[kind(profile)].update(profile.keys)
    for profile in profiles:
        words, keys = words_held[kind(profile)], keys_held[kind(profile)]
        mine = {t for _, tokens in profile.forms for t in tokens}
        profile.common_words = frozenset(t for t in mine if words[t] > COMMON_WORD)
        rare = set()
        for _, tokens in profile.forms:
            content = [t for t in tokens if len(t) > 1 and t not in STOPWORDS]
            if len(content) >= 3 and any(keys[phonetic(t)] <= DISTINCTIVE_BLOCK for t in content):
                rare.add(" ".join(sorted(tokens)))
        profile.distinctive = frozenset(rare)
    return keys_held
