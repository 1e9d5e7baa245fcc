"""The target country: the country a target's nationality or role ties it to.

The rule (docs/analysis.md), applied to all the entries of a target, first match wins:

1. nationality or citizenship (persons): the value most of its entries give;
2. the country of the geographic regimes it is designated under (`regime_countries.yml`,
   e.g. CA-SEMA-CHINA -> cn), the most frequent one;
3. the country of its addresses, registration or flag.

Ties are broken alphabetically so the answer is stable. Thematic (Magnitsky-class) regimes
name no country, so a Xinjiang official is tied to China by nationality (rule 1), and a
company in one by its address (rule 3).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

from concord.model.entities import target_schemata
from concord.store import Store
from concord.store.values import current_values

if TYPE_CHECKING:
    from concord.analysis.frame import Listing

NATIONALITY = ("nationality", "citizenship")
PLACE = ("country", "jurisdiction", "flag")
HOLDERS = target_schemata()


@dataclass(frozen=True)
class TargetCountry:
    """A target country and which step of the rule gave it."""

    code: str
    basis: str  # nationality | regime | address


@cache
def regime_countries() -> dict[str, str]:
    """Regime key -> country code, for geographic regimes."""
    text = resources.files("concord.analysis").joinpath("regime_countries.yml").read_text()
    data: dict[str, Any] = yaml.safe_load(text)
    return {str(k): str(v) for k, v in data.items()}


def choose(votes: Iterable[str]) -> str | None:
    """The most frequent value, ties broken alphabetically.

    >>> choose(["ru", "cn", "cn"]), choose(["ru", "cn"]), choose([])
    ('cn', 'cn', None)
    """
    counts = Counter(v for v in votes if v)
    if not counts:
        return None
    return min(counts, key=lambda v: (-counts[v], v))


def target_countries(
    store: Store, targets: dict[str, str], listings: Iterable[Listing]
) -> dict[str, TargetCountry]:
    """The target country of every target (entry key -> target id in `targets`)."""
    nationality: dict[str, list[str]] = defaultdict(list)
    place: dict[str, list[str]] = defaultdict(list)
    seen = set()
    for key, _, _, prop, value in current_values(store, props=NATIONALITY + PLACE,
                                                 schemata=HOLDERS):  # fmt: skip
        tid = targets.get(key)
        if tid is None or (key, prop, value) in seen:
            continue
        seen.add((key, prop, value))  # one vote per entry and value
        (nationality if prop in NATIONALITY else place)[tid].append(value.lower())
    regimes: dict[str, list[str]] = defaultdict(list)
    mapping = regime_countries()
    for listing in listings:
        if listing.regime in mapping:
            regimes[listing.target_id].append(mapping[listing.regime])
    out = {}
    for tid in set(targets.values()):
        for basis, votes in (("nationality", nationality), ("regime", regimes),
                             ("address", place)):  # fmt: skip
            code = choose(votes.get(tid, ()))
            if code:
                out[tid] = TargetCountry(code, basis)
                break
    return out
