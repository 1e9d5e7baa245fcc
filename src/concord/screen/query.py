"""One screening query: candidate entries from the name index, scored by the resolver.

Each candidate entry is scored with the resolver's `compare`, so every result carries the
resolver's features (name, birth date, country, ...). Screening swaps the prior (the
resolver's is the odds that two list entries taken at random are one person, while a
screening query asks whether one name is a listed one, so an exact name alone is a hit) and
adds one feature of its own, `one_word` (see `_one_word`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from concord.errors import BadInput
from concord.model.entities import target_schemata
from concord.model.jurisdictions import code
from concord.model.regimes import GROUNDS, registry
from concord.resolve.names import STOPWORDS, name_tokens
from concord.resolve.profiles import Profile, finish
from concord.resolve.score import Feature, compare
from concord.screen.index import FACETS, ScreenIndex, TargetInfo, token_keys

SCREEN_PRIOR = -1.0  # exact name alone: 0.88; name and full date of birth: 0.99
ONE_WORD = -1.5  # an exact one-word alias alone then scores 0.62, under the threshold
THRESHOLD = 0.7  # as yente's default: a near-exact name, or a close one with a date
RETRIEVED = 60  # entries retrieved by shared name keys, rarest keys first
SCORED = 8  # of which the best by a quick name ratio are scored by the resolver
ANY_SCHEMA = (None, "", "LegalEntity", "Thing")
# Targets that are not persons: bodies and crafts (FtM's hierarchy, model/entities.py).
OTHER_SCHEMATA = tuple(s for s in target_schemata() if s not in ("Person", "LegalEntity"))


@dataclass(frozen=True)
class Filters:
    """Which targets a query may return (empty: all)."""

    jurisdictions: frozenset[str] = frozenset()
    regimes: frozenset[str] = frozenset()
    grounds: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()
    # Evaluation only: leave these lists' entries out (a held-out spelling, see bench/).
    exclude_sources: frozenset[str] = frozenset()

    @classmethod
    def make(
        cls,
        jurisdictions: Any = (),
        regimes: Any = (),
        grounds: Any = (),
        countries: Any = (),
        sources: Any = (),
        exclude_sources: Any = (),
    ) -> Filters:
        """Filters from user strings, checked: an unknown value is BadInput."""
        juris = {code(j) for j in jurisdictions}
        # The registry is read only when asked for: its YAML files take ~0.3-0.6 s to load.
        if regimes and (bad := sorted(set(regimes) - set(registry().regimes))):
            raise BadInput(f"unknown regime key {bad[0]!r} (see `concord regimes`)")
        if bad := sorted(set(grounds) - set(GROUNDS)):
            raise BadInput(f"unknown ground {bad[0]!r} (known: {', '.join(GROUNDS)})")
        return cls(frozenset(juris), frozenset(regimes), frozenset(grounds),
                   frozenset(clean_country(c) for c in countries),
                   frozenset(sources), frozenset(exclude_sources))  # fmt: skip


@dataclass
class Query:
    """A name to screen, with what else is known of the customer."""

    names: list[str]
    schema: str | None = None
    birth_dates: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    filters: Filters = field(default_factory=Filters)
    threshold: float = THRESHOLD
    limit: int = 5


@dataclass
class Hit:
    """A target that matches a query, with the features that made its score."""

    target: TargetInfo
    score: float
    similarity: float
    matched_name: str
    matched_entry: str
    features: list[Feature]
    suppressed: bool = False
    decision_note: str = ""

    def explanation(self) -> str:
        """The features on one line: `name +3.0 (1.00: ...); birth_date +2.5 (...)`."""
        return "; ".join(f.text() for f in self.features)

    def as_dict(self) -> dict[str, Any]:
        """The flat form used by the CLI and batch output."""
        t = self.target
        return {"target_id": t.target_id, "caption": t.caption, "schema": t.schema,
                "score": round(self.score, 4), "matched_name": self.matched_name,
                "matched_entry": self.matched_entry, "jurisdictions": " ".join(t.jurisdictions),
                "regimes": " ".join(t.regimes), "grounds": " ".join(t.grounds),
                "entries": " ".join(t.entry_keys), "explanation": self.explanation(),
                "suppressed": self.suppressed}  # fmt: skip


def clean_country(value: str) -> str:
    """A country name or code as the ISO code the lists use (`Russia` -> `ru`)."""
    from followthemoney import registry as ftm_registry  # its data model loads in ~0.3 s

    code = ftm_registry.country.clean(value)
    if code is None:
        raise BadInput(f"unknown country {value!r}")
    return str(code)


def query_profile(query: Query, schema: str) -> Profile:
    """The query as a resolver profile of one schema."""
    names = [n.strip() for n in query.names if n and n.strip()]
    if not names:
        raise BadInput("a query needs a name")
    profile = Profile("query", "query", "query", schema, names[0], names=names)
    profile.birth_dates = {d.strip() for d in query.birth_dates if d and d.strip()}
    profile.countries = {clean_country(c) for c in query.countries if c}
    return finish(profile)


def _entry_mask(index: ScreenIndex, filters: Filters, schema: str | None) -> np.ndarray:
    """Which entries a query may return, as 0/1 weights (cached per filters and kind)."""
    kind = None if schema in ANY_SCHEMA else schema == "Person"
    cache = index.masks
    if (filters, kind) not in cache:
        keep = np.ones(len(index.targets), bool)
        for facet in FACETS:
            if wanted := getattr(filters, facet):
                keys = [f"{facet}:{value}" for value in sorted(wanted)]
                keep &= index.facets.holders(keys, len(index.targets))
        mask = keep[index.entry_target]
        if filters.sources or filters.exclude_sources:
            allowed = [n for n, s in enumerate(index.sources)
                       if (not filters.sources or s in filters.sources)
                       and s not in filters.exclude_sources]  # fmt: skip
            mask &= np.isin(index.entry_source, allowed)
        if kind is not None:
            mask &= index.entry_person == kind
        cache[(filters, kind)] = mask.astype(np.float32)
    return cache[(filters, kind)]


def candidates(index: ScreenIndex, query: Query, profile: Profile) -> list[int]:
    """The entries worth scoring: those sharing the most (rarest) name keys with the query,
    then the best of them by a quick C-speed name ratio (rapidfuzz `token_ratio`)."""
    # Sorted: the weights are summed in one order, so equal queries rank alike everywhere.
    keys = sorted({k for _, tokens in profile.forms for k in token_keys(tokens)})
    postings = index.postings
    ranks = [int(r) for r in postings.ranks(keys) if r >= 0]
    if not ranks:
        return []
    lists = [postings.at(r) for r in ranks]
    ids = np.concatenate(lists)
    weights = np.repeat(postings.weights[ranks], [len(ids_) for ids_ in lists])
    acc = np.bincount(ids, weights, minlength=index.size) * _entry_mask(index, query.filters,
                                                                        query.schema)  # fmt: skip
    found = np.flatnonzero(acc)
    if len(found) > RETRIEVED:
        found = found[np.argpartition(-acc[found], RETRIEVED)[:RETRIEVED]]
    return _prescore(index, profile, found)


def _prescore(index: ScreenIndex, profile: Profile, found: np.ndarray) -> list[int]:
    if len(found) <= SCORED:
        return [int(i) for i in found]
    starts, ends = index.form_start[found], index.form_start[found + 1]
    texts = [index.form_text[j] for a, b in zip(starts, ends, strict=True) for j in range(a, b)]
    ratios = cdist([" ".join(t) for _, t in profile.forms], texts, scorer=fuzz.token_ratio)
    offsets = np.concatenate(([0], np.cumsum(ends - starts)[:-1]))
    best = np.maximum.reduceat(ratios.max(axis=0), offsets)
    return [int(found[i]) for i in np.argsort(-best, kind="stable")[:SCORED]]


def _hit(index: ScreenIndex, entry: int, query: Profile) -> Hit:
    listed = index.profiles[entry]
    target = index.targets[int(index.entry_target[entry])]
    if query.countries and not listed.countries and target.countries:
        # The matched entry gives no country (Canada's often give a name and a birth date
        # only); the target's other lists describe the same person and do.
        listed = replace(listed, countries=set(target.countries))
    result = compare(query, listed)
    features = [Feature("prior", SCREEN_PRIOR, "screening a name against the lists")
                if f.name == "prior" else f for f in result.features]  # fmt: skip
    name = next((f for f in features if f.name == "name"), None)
    similarity = (name.similarity or 0.0) if name else 0.0
    if name is not None and (short := _one_word(name)):
        features.append(short)
    score = 1 / (1 + math.exp(-sum(f.weight for f in features)))
    return Hit(target, score, similarity, "", listed.entry_key, features)


def _words(name: str) -> list[str]:
    return [t for t in name_tokens(name) if t not in STOPWORDS and not t.isdigit()]


def _one_word(name: Feature) -> Feature | None:
    """Screening's one feature of its own: a listed name of one word (an alias such as
    `Hassan`) met by a query of several words says little, whatever the similarity."""
    query, listed = name.left or "", name.right or ""
    listed_words, query_words = _words(listed), _words(query)
    if len(listed_words) == 1 and len(query_words) >= 2:
        return Feature("one_word", ONE_WORD, f"listed name {listed!r} is one word, "
                                             f"the query has {len(query_words)}")  # fmt: skip
    return None


def _matched_name(index: ScreenIndex, hit: Hit) -> str:
    """The listed name the name feature paired with the query, as the list writes it."""
    listed = index.profiles[index.entry_index[hit.matched_entry]]
    name = next((f for f in hit.features if f.name == "name"), None)
    if name is None:
        return listed.caption
    written = name.right or listed.caption
    # A shared name is reported in its sorted, folded form: show it as the list writes it.
    return next((n for n, t in listed.forms if " ".join(sorted(t)) == written), written)


def check_schema(schema: str | None) -> None:
    """BadInput unless screening can take the schema (a person, body, vessel or aircraft)."""
    if schema not in (*ANY_SCHEMA, *OTHER_SCHEMATA, "Person"):
        known = ", ".join(("Person", *OTHER_SCHEMATA, "LegalEntity"))
        raise BadInput(f"cannot screen schema {schema!r} (use {known})")


def screen(index: ScreenIndex, query: Query) -> list[Hit]:
    """The targets that match a query best, each with its score and explanation."""
    check_schema(query.schema)
    person = query_profile(query, "Person")
    other = query_profile(query, query.schema if query.schema in OTHER_SCHEMATA else "Organization")
    best: dict[str, Hit] = {}
    for entry in candidates(index, query, person):
        hit = _hit(index, entry, person if index.entry_person[entry] else other)
        held = best.get(hit.target.target_id)
        if held is None or (hit.score, hit.similarity) > (held.score, held.similarity):
            best[hit.target.target_id] = hit
    hits = [h for h in best.values() if h.score >= query.threshold]
    hits.sort(key=lambda h: (-h.score, -h.similarity, h.target.target_id))
    for hit in hits[: query.limit]:
        hit.matched_name = _matched_name(index, hit)
    return hits[: query.limit]
