"""Clusters of entries that are one target: merges by score, guarded against chains.

Pairs are merged best first. Two clusters join only when no pair across them conflicts
(dates of birth, gender) or scores below `FLOOR`, so a chain of weak links (A~B 0.75,
B~C 0.5) cannot pull C into A's target; two entries of the same list join only on strong
evidence (a shared identifier or reference, or the same full name and date of birth).
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from concord.model.processes import die_with_parent
from concord.resolve.profiles import Profile
from concord.resolve.score import Score, compare

THRESHOLD = 0.7  # a pair at or above this merges, unless a guard refuses it
FLOOR = 0.3  # no cluster joins across a pair below this (no chains of weak links)
# A pair that does not merge is a *possible match*, shown to users and put up for review,
# when it scores at least this, or when only a conflicting birth date or gender keeps it
# below THRESHOLD (the same full name and context, birth dates that disagree).
POSSIBLE = 0.5
_SHARED: list[Profile] = []  # the profiles a forked scoring worker reads


def possible(score: Score) -> bool:
    """Whether a scored pair is worth a person's look (and is kept with its features)."""
    return score.score >= POSSIBLE or score.unconflicted >= THRESHOLD


def _score_chunk(chunk: list[tuple[int, int]]) -> list[tuple[tuple[int, int], Score]]:
    out = []
    for i, j in chunk:
        s = compare(_SHARED[i], _SHARED[j])
        if not possible(s):
            s = Score(s.score, [], conflict=s.conflict, strong=s.strong,
                      unconflicted=s.unconflicted, dated=s.dated)  # fmt: skip
        out.append(((min(i, j), max(i, j)), s))
    return out


def score_pairs(
    profiles: list[Profile], pairs: list[tuple[int, int]], workers: int = 2
) -> dict[tuple[int, int], Score]:
    """Scores of candidate pairs, computed on `workers` forked processes when worth it."""
    global _SHARED
    _SHARED = profiles
    try:
        if workers <= 1 or len(pairs) < 20_000 or "fork" not in mp.get_all_start_methods():
            return dict(_score_chunk(pairs))
        size = len(pairs) // (workers * 8) + 1
        chunks = [pairs[k : k + size] for k in range(0, len(pairs), size)]
        # Scoring workers die with the run: a killed `concord ingest` leaves none behind.
        with mp.get_context("fork").Pool(workers, die_with_parent, (os.getpid(),)) as pool:
            return {key: s for part in pool.map(_score_chunk, chunks) for key, s in part}
    finally:
        _SHARED = []


@dataclass
class Clustering:
    """The clusters over a list of profiles, and the scored pairs behind them."""

    profiles: list[Profile]
    parent: list[int] = field(default_factory=list)
    members: dict[int, list[int]] = field(default_factory=dict)
    scores: dict[tuple[int, int], Score] = field(default_factory=dict)
    refused: list[tuple[int, int, str]] = field(default_factory=list)
    cannot: set[tuple[int, int]] = field(default_factory=set)
    judged: set[tuple[int, int]] = field(default_factory=set)
    # The candidate pairs (i < j) this clustering was given: the pairs it reports. Pairs
    # its guards scored on the way are used, not reported (they depend on merge order).
    candidates: set[tuple[int, int]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.parent = list(range(len(self.profiles)))
        self.members = {i: [i] for i in range(len(self.profiles))}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def score(self, i: int, j: int) -> Score:
        key = (i, j) if i < j else (j, i)
        if key not in self.scores:
            self.scores[key] = compare(self.profiles[key[0]], self.profiles[key[1]])
        return self.scores[key]

    def _blocker(self, ra: int, rb: int, forced: bool = False, dated: bool = False) -> str | None:
        for i in self.members[ra]:
            for j in self.members[rb]:
                if (min(i, j), max(i, j)) in self.cannot:
                    return f"{self.profiles[i].entry_key} ~ {self.profiles[j].entry_key}: " \
                           "judged different"  # fmt: skip
                if forced:
                    continue
                s = self.score(i, j)
                # A pair joined on evidence that speaks to the dates (a shared number, the
                # same full birth date) is not refused over a third record that scores low
                # against it or gives another birth date: the cluster already holds a record
                # that agrees with it. A rare name alone is not enough (it chained two
                # Tabatabaeis).
                waived = dated and (not s.conflict or s.unconflicted >= FLOOR)
                if (s.conflict or s.score < FLOOR) and not waived:
                    return f"{self.profiles[i].entry_key} ~ {self.profiles[j].entry_key}: " \
                           f"{s.score:.2f}{' conflict' if s.conflict else ''}"  # fmt: skip
                same_list = self.profiles[i].source == self.profiles[j].source
                if same_list and not s.strong:
                    return f"{self.profiles[i].entry_key} ~ {self.profiles[j].entry_key}: " \
                           "same list without strong evidence"  # fmt: skip
        return None

    def merge(self, i: int, j: int, forced: bool = False) -> bool:
        """Join the clusters of i and j unless a guard forbids it.

        A `forced` merge (a person judged the two the same) skips the score guards but
        never joins entries a person judged different.
        """
        ra, rb = self.find(i), self.find(j)
        if ra == rb:
            return True
        dated = not forced and self.score(i, j).dated
        reason = self._blocker(ra, rb, forced, dated=dated)
        if reason is not None:
            self.refused.append((i, j, reason))
            return False
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))
        return True

    def clusters(self) -> list[list[Profile]]:
        """Every cluster (singletons included) as lists of profiles."""
        return [[self.profiles[i] for i in m] for m in self.members.values()]


def cluster(
    profiles: list[Profile],
    pairs: Iterable[tuple[int, int]],
    verdicts: Mapping[tuple[str, str], str] | None = None,
    workers: int = 2,
    known: Mapping[tuple[int, int], Score] | None = None,
) -> Clustering:
    """Cluster `profiles` by scoring the candidate `pairs`; human `verdicts` on pairs of
    entry keys (`same` / `different` / `unsure`) win over any score. The `known` scores
    (index pairs i < j) are taken as they are, not scored again."""
    result = Clustering(profiles)
    index = {p.entry_key: i for i, p in enumerate(profiles)}
    same: list[tuple[int, int]] = []
    for (a, b), verdict in (verdicts or {}).items():
        if a in index and b in index and verdict in ("same", "different"):
            pair = (min(index[a], index[b]), max(index[a], index[b]))
            result.judged.add(pair)
            if verdict == "same":
                same.append(pair)
            else:
                result.cannot.add(pair)
    for i, j in same:
        result.merge(i, j, forced=True)
    result.candidates = {(min(p), max(p)) for p in pairs}
    todo = [p for p in pairs if (min(p), max(p)) not in result.judged]
    result.scores.update({p: s for p, s in (known or {}).items() if p in result.candidates})
    fresh = [p for p in todo if (min(p), max(p)) not in result.scores]
    result.scores.update(score_pairs(profiles, fresh, workers))
    scored = [(result.score(i, j).score, i, j) for i, j in todo]
    for value, i, j in sorted(scored, reverse=True):
        if value < THRESHOLD:
            break
        result.merge(i, j)
    return result


def target_id(entry_keys: Iterable[str]) -> str:
    """A stable target id: from the smallest entry key, so it survives re-resolution while
    that entry stays in the target.

    >>> target_id(["us-ofac:1", "gb-ofsi:9"])
    'ct-31d05644572f'
    """
    first = min(entry_keys)
    return "ct-" + hashlib.sha1(first.encode("utf-8")).hexdigest()[:12]
