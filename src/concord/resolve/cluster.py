"""Clusters of entries that are one target: merges by score, guarded against chains.

Pairs are merged best first. Two clusters join only when no pair across them conflicts
(dates of birth, gender) or scores below `FLOOR`, so a chain of weak links (A~B 0.75,
B~C 0.5) cannot pull C into A's target; two entries of the same list join only on strong
evidence (a shared identifier or reference, or the same full name and date of birth).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from concord.resolve.profiles import Profile
from concord.resolve.score import Score, compare

THRESHOLD = 0.7
FLOOR = 0.3


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

    def _blocker(self, ra: int, rb: int, forced: bool = False) -> str | None:
        for i in self.members[ra]:
            for j in self.members[rb]:
                if (min(i, j), max(i, j)) in self.cannot:
                    return f"{self.profiles[i].entry_key} ~ {self.profiles[j].entry_key}: " \
                           "judged different"  # fmt: skip
                if forced:
                    continue
                s = self.score(i, j)
                if s.conflict or s.score < FLOOR:
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
        reason = self._blocker(ra, rb, forced)
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
) -> Clustering:
    """Cluster `profiles` by scoring the candidate `pairs`; human `verdicts` on pairs of
    entry keys (`same` / `different` / `unsure`) win over any score."""
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
    scored = [(result.score(i, j).score, i, j) for i, j in pairs
              if (min(i, j), max(i, j)) not in result.judged]  # fmt: skip
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
