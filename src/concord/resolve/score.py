"""A pairwise score that explains itself: each feature says what it saw and what it adds.

The score is a logistic of summed evidence (log-odds): a prior, the best name agreement,
dates of birth agreeing or conflicting, shared identifiers and cross references, countries
and gender. Thresholds live in `concord.resolve.cluster`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from concord.resolve.blocking import kind
from concord.resolve.names import EXTRA_COST, name_similarity
from concord.resolve.profiles import Profile

PRIOR = {"person": -2.5, "other": -2.0}


@dataclass(frozen=True)
class Feature:
    """One piece of evidence: its name, its weight (log-odds) and what it saw."""

    name: str
    weight: float
    detail: str


@dataclass
class Score:
    """A pair's score in 0..1 with the features that made it."""

    score: float
    features: list[Feature] = field(default_factory=list)
    conflict: bool = False
    strong: bool = False

    def explain(self) -> str:
        """One line per feature, e.g. `name +3.0 (exact: 'chen quanguo')`."""
        return "\n".join(f"{f.name:<12} {f.weight:+.1f}  {f.detail}" for f in self.features)


def _name_feature(a: Profile, b: Profile) -> tuple[Feature, float]:
    best, pair = 0.0, ("", "")
    if shared := a.sorted_forms & b.sorted_forms:
        best, pair = 1.0, (min(shared), min(shared))
    elif a.forms and b.forms:
        # rapidfuzz (C) ranks every pair of name forms; the word-by-word comparison, which
        # tolerates extra words and split names, then runs on the best few only.
        matrix = cdist([" ".join(t) for _, t in a.forms], [" ".join(t) for _, t in b.forms],
                       scorer=fuzz.token_sort_ratio)  # fmt: skip
        flat = matrix.ravel()
        top = flat.argsort()[::-1][:3] if flat.size > 3 else range(flat.size)
        extra_cost = EXTRA_COST[kind(a)]
        for index in top:
            i, j = divmod(int(index), len(b.forms))
            sim = name_similarity(a.forms[i][1], b.forms[j][1], extra_cost)
            if sim > best:
                best, pair = sim, (a.forms[i][0], b.forms[j][0])
    weight = 3.0 if best >= 0.97 else 2.0 if best >= 0.92 else 1.0 if best >= 0.87 else (
        0.0 if best >= 0.8 else -3.0)  # fmt: skip
    detail = f"{best:.2f}: {pair[0]!r} ~ {pair[1]!r}"
    if weight > 1.0 and kind(a) == "other" and not _primary_agrees(a, b):
        # Bodies share aliases with their parents and units (the IRGC's Persian name is
        # also given for its Qods Force): an alias match alone says little.
        weight, detail = 1.0, detail + "; only aliases agree, the primary names differ"
    return Feature("name", weight, detail), best


def _primary_agrees(a: Profile, b: Profile) -> bool:
    """Whether a body's primary name matches any name of the other (>= 0.92)."""
    cost = EXTRA_COST["other"]
    return any(
        name_similarity(p, tokens, cost) >= 0.92
        for x, y in ((a, b), (b, a))
        for p in x.primary
        for _, tokens in y.forms
    )


def dates_compatible(x: str, y: str) -> bool:
    """Whether two FtM dates can be the same day ("1965" and "1965-04-29" can)."""
    n = min(len(x), len(y))
    return x[:n] == y[:n]


def _dob_feature(a: Profile, b: Profile) -> Feature | None:
    if not a.birth_dates or not b.birth_dates:
        return None
    pairs = [(x, y) for x in a.birth_dates for y in b.birth_dates if dates_compatible(x, y)]
    if not pairs:
        near = any(abs(int(x[:4]) - int(y[:4])) <= 1 for x in a.birth_dates
                   for y in b.birth_dates if x[:4].isdigit() and y[:4].isdigit())  # fmt: skip
        if near:
            return Feature("birth_date", -1.5, "years differ by one")
        # The same day and month in another year is a typo more often than another person
        # (1 January is left out: lists use it for "year only").
        if any(x[4:] == y[4:] and len(x) == 10 and not x.endswith("-01-01")
               for x in a.birth_dates for y in b.birth_dates):  # fmt: skip
            return Feature("birth_date", -1.5, "same day and month, years differ")
        return Feature(
            "birth_date", -4.0, f"conflict: {sorted(a.birth_dates)} / {sorted(b.birth_dates)}"
        )
    best = max(pairs, key=lambda p: min(len(p[0]), len(p[1])))
    precision = min(len(best[0]), len(best[1]))
    weight = 2.5 if precision >= 10 else 1.5 if precision >= 7 else 1.0
    return Feature("birth_date", weight, f"{best[0]} ~ {best[1]}")


def _set_features(a: Profile, b: Profile) -> list[Feature]:
    out = []
    if shared := a.identifiers & b.identifiers:
        # An IMO number stays with a ship through every renaming; other numbers (a
        # person's documents, a company's registration or tax number) are sometimes shared
        # by relatives or affiliates, or copied wrongly.
        weight = 6.0 if a.schema == b.schema == "Vessel" else 4.0
        out.append(Feature("identifier", weight, f"shared {sorted(shared)[:3]}"))
    if shared := a.refs & b.refs:
        out.append(Feature("reference", 5.0, f"shared {sorted(shared)[:3]}"))
    if a.countries and b.countries:
        if a.countries & b.countries:
            out.append(Feature("country", 0.5, f"shared {sorted(a.countries & b.countries)}"))
        else:
            out.append(Feature("country", -1.0, f"{sorted(a.countries)} / {sorted(b.countries)}"))
    if a.genders and b.genders and not a.genders & b.genders:
        out.append(Feature("gender", -3.0, f"{sorted(a.genders)} / {sorted(b.genders)}"))
    return out


def compare(a: Profile, b: Profile) -> Score:
    """Score two profiles and say why.

    A pair is `strong` when it shares an identifier or reference; has near-identical
    names and the same full date of birth; has the same name and the same date as written
    (`1967` and `1967`); or has the same distinctive full name (3+ words, one of them rare
    in the store; set by blocking), no date against it and, for bodies, no different legal
    form. Strong evidence is the only kind on which two entries of one list merge. A pair
    is a `conflict` when dates of birth or genders contradict, unless the lists
    cross-reference each other or share an identifier under agreeing names: lists copy
    birth dates wrongly more often than they share a passport number or a UN reference by
    chance.
    """
    if kind(a) != kind(b):
        return Score(0.0, [Feature("schema", -10.0, f"{a.schema} / {b.schema}")], conflict=True)
    name, similarity = _name_feature(a, b)
    features = [Feature("prior", PRIOR[kind(a)], kind(a)), name]
    dob = _dob_feature(a, b)
    if dob is not None:
        features.append(dob)
    features.extend(_set_features(a, b))
    tied = any(f.name == "reference" for f in features) or (
        name.weight >= 2.0 and any(f.name == "identifier" for f in features)
    )
    conflict = not tied and any(
        f.name in ("birth_date", "gender") and f.weight <= -3.0 for f in features
    )
    same_rare = a.distinctive & b.distinctive
    if same_rare:
        features.append(Feature("rare_name", 1.0, f"same rare full name {min(same_rare)!r}"))
    total = sum(f.weight for f in features)
    strong = (
        any(f.name in ("identifier", "reference") for f in features)
        or (similarity >= 0.97 and dob is not None and dob.weight >= 2.5)
        or (similarity == 1.0 and bool(a.birth_dates & b.birth_dates))
        or (
            bool(same_rare)
            and (dob is None or dob.weight > 0)
            and not (a.legal_forms and b.legal_forms and a.legal_forms != b.legal_forms)
        )
    )
    return Score(1 / (1 + math.exp(-total)), features, conflict=conflict, strong=strong)
