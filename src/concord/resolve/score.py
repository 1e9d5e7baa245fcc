"""A pairwise score that explains itself: each feature says what it saw and what it adds.

The score is a logistic of summed evidence (log-odds): a prior, the best name agreement,
dates of birth agreeing or conflicting, shared identifiers and cross references, countries
and gender. Thresholds live in `concord.resolve.cluster`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from concord.resolve.blocking import kind
from concord.resolve.names import EXTRA_COST, STOPWORDS, name_note, name_similarity
from concord.resolve.profiles import Profile

# Every weight (log-odds) the scorer adds, in one place, with why.
WEIGHTS = {
    # Before any evidence: two entries drawn by blocking are usually not one target.
    "prior_person": -2.5,
    "prior_other": -2.0,
    # Name agreement (0..1, `names.name_similarity`): equal after folding, near-equal,
    # close; anything below 0.8 is another name.
    "name_exact": 3.0,
    "name_near": 2.0,
    "name_close": 1.0,
    "name_other": -3.0,
    # Bodies share aliases with their parents and units: an alias match alone says little.
    "name_alias_only": 1.0,
    # Dates of birth, by the precision both lists give.
    "dob_day": 2.5,
    "dob_month": 1.5,
    "dob_year": 1.0,
    # Clerical slips lists really make: day and month swapped (03/06 for 06/03) keeps
    # the date specific; a day or two off in the same month nearly so.
    "dob_swapped": 1.0,
    "dob_days_off": 0.5,
    # Likely slips, weaker: the year off by one, or the same day and month another year.
    "dob_year_off": -1.5,
    "dob_year_rough": -0.5,  # one list gives the year alone, often an estimate
    "dob_same_day_other_year": -1.5,
    "dob_conflict": -4.0,
    # Numbers and cross references: persons' documents are sometimes shared by relatives.
    "identifier": 4.0,
    "identifier_vessel": 6.0,  # an IMO number stays with a ship through every renaming
    "reference": 5.0,
    "country_shared": 0.5,
    "country_conflict": -1.0,
    "gender_conflict": -3.0,
    # The same full name of 3+ words, one of them rare in the store (blocking marks it).
    "rare_name": 1.0,
    # Context an analyst reads when a list gives a name only (cross-list pairs):
    # regimes of one family (both Magnitsky-class, both about Myanmar, one UN resolution);
    "regime_family": 1.0,
    # one entry's regime is about the country the other entry's person belongs to;
    "regime_country": 0.5,
    # designated within a week of each other by two jurisdictions: a coordinated action.
    "listed_together": 1.0,
    # Every word of both names is common in the store (Aung Aung, Mohammed Ali): the
    # name says less, unless a date or a number backs it.
    "common_name": -1.0,
}
PRIOR = {"person": WEIGHTS["prior_person"], "other": WEIGHTS["prior_other"]}
_NUMBER = re.compile(r"\d+")
LISTED_TOGETHER_DAYS = 7


@dataclass(frozen=True)
class Feature:
    """One piece of evidence: its name, its weight (log-odds) and what it saw, in words
    (`detail`) and, where two values were compared, as fields (`left`, `right`,
    `similarity`). Explanations are rendered from these fields, never parsed back."""

    name: str
    weight: float
    detail: str
    left: str | None = None
    right: str | None = None
    similarity: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """The one serialised form (stored with a pair, returned by the API)."""
        out: dict[str, Any] = {"name": self.name, "weight": self.weight, "detail": self.detail}
        for key in ("left", "right", "similarity"):
            if (value := getattr(self, key)) is not None:
                out[key] = value
        return out

    def text(self) -> str:
        """One line: `name +3.0 (1.00: 'chen quanguo' ~ 'chen quanguo')`."""
        return feature_text(self.as_dict())


def feature_text(feature: dict[str, Any]) -> str:
    """A serialised feature as one line of an explanation."""
    return f"{feature['name']} {feature['weight']:+.1f} ({feature['detail']})"


def explain(features: list[dict[str, Any]]) -> str:
    """Serialised features as one explanation: `prior -2.5 (person); name +3.0 (...)`."""
    return "; ".join(feature_text(f) for f in features)


@dataclass
class Score:
    """A pair's score in 0..1 with the features that made it."""

    score: float
    features: list[Feature] = field(default_factory=list)
    conflict: bool = False
    strong: bool = False
    # The score without the features that conflict (a birth date, a gender).
    unconflicted: float = 0.0
    # Whether the evidence speaks to the dates (a shared number or reference, the same full
    # birth date): clustering then waives a birth date elsewhere in the cluster.
    dated: bool = False

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
    weight = (WEIGHTS["name_exact"] if best >= 0.97 else WEIGHTS["name_near"] if best >= 0.92
              else WEIGHTS["name_close"] if best >= 0.87 else 0.0 if best >= 0.8
              else WEIGHTS["name_other"])  # fmt: skip
    detail = f"{best:.2f}: {pair[0]!r} ~ {pair[1]!r}"
    # How near names differ, in words (an initial, a missing patronymic, a spelling); not
    # worked out for names that are equal or plainly different.
    if 0.8 <= best < 1.0 and (note := name_note(pair[0], pair[1])):
        detail += f" ({note})"
    numbers = (set(_NUMBER.findall(pair[0])), set(_NUMBER.findall(pair[1])))
    if kind(a) == "other" and all(numbers) and not numbers[0] & numbers[1]:
        # The 33rd and the 99th Light Infantry Division, Unit 6000 and Unit 400: bodies
        # whose names differ by their number are other bodies.
        weight = WEIGHTS["name_other"]
        detail += f"; numbers differ: {sorted(numbers[0])} / {sorted(numbers[1])}"
    elif weight > WEIGHTS["name_alias_only"] and kind(a) == "other" and not _primary_agrees(a, b):
        # Bodies share aliases with their parents and units (the IRGC's Persian name is
        # also given for its Qods Force): an alias match alone says little.
        weight = WEIGHTS["name_alias_only"]
        detail += "; only aliases agree, the primary names differ"
    # The similarity is kept unrounded: `rebuild` reads the thresholds off it.
    return Feature("name", weight, detail, pair[0], pair[1], best), best


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
    pairs = [(x, y) for x in sorted(a.birth_dates) for y in sorted(b.birth_dates)
             if dates_compatible(x, y)]  # fmt: skip
    if not pairs:
        return _dob_slip(a.birth_dates, b.birth_dates)
    best = max(pairs, key=lambda p: min(len(p[0]), len(p[1])))
    precision = min(len(best[0]), len(best[1]))
    weight = WEIGHTS["dob_day" if precision >= 10 else "dob_month" if precision >= 7
                     else "dob_year"]  # fmt: skip
    return Feature("birth_date", weight, f"{best[0]} ~ {best[1]}")


def _dob_slip(xs: set[str], ys: set[str]) -> Feature:
    """Two sets of birth dates with none compatible: a clerical slip or another person.

    >>> _dob_slip({"1987-06-03"}, {"1987-03-06"}).detail
    'day and month swapped: 1987-06-03 / 1987-03-06'
    >>> _dob_slip({"1979-05-01"}, {"1979-05-03"}).detail
    'days differ by 2: 1979-05-01 / 1979-05-03'
    >>> _dob_slip({"1952-02-12"}, {"1966-10-15"}).weight
    -4.0
    """
    full = [(x, y) for x in sorted(xs) for y in sorted(ys) if len(x) == len(y) == 10]
    for x, y in full:
        if x[:4] == y[:4] and x[5:7] == y[8:10] and x[8:10] == y[5:7]:
            return Feature("birth_date", WEIGHTS["dob_swapped"],
                           f"day and month swapped: {x} / {y}")  # fmt: skip
    for x, y in full:
        if x[:7] == y[:7] and abs(int(x[8:10]) - int(y[8:10])) <= 3:
            days = abs(int(x[8:10]) - int(y[8:10]))
            return Feature("birth_date", WEIGHTS["dob_days_off"],
                           f"days differ by {days}: {x} / {y}")  # fmt: skip
    years = [(x, y) for x in sorted(xs) for y in sorted(ys) if x[:4].isdigit() and y[:4].isdigit()]
    for x, y in years:
        if abs(int(x[:4]) - int(y[:4])) == 1:
            # A year given alone is often an estimate ("about 1977"): off by one, it
            # hardly disagrees.
            rough = min(len(x), len(y)) == 4
            return Feature("birth_date", WEIGHTS["dob_year_rough" if rough else "dob_year_off"],
                           f"years differ by one: {x} / {y}")  # fmt: skip
    # The same day and month in another year is a typo more often than another person
    # (1 January is left out: lists use it for "year only").
    for x, y in full:
        if x[4:] == y[4:] and not x.endswith("-01-01"):
            return Feature("birth_date", WEIGHTS["dob_same_day_other_year"],
                           f"same day and month, years differ: {x} / {y}")  # fmt: skip
    return Feature("birth_date", WEIGHTS["dob_conflict"],
                   f"conflict: {sorted(xs)} / {sorted(ys)}")  # fmt: skip


def _context_features(a: Profile, b: Profile) -> list[Feature]:
    """What an analyst reads beside the names when two lists say little else."""
    out: list[Feature] = []
    if a.source == b.source:
        return out
    if shared := a.families & b.families:
        out.append(Feature("regime", WEIGHTS["regime_family"],
                           f"both under {_family_words(shared)} regimes"))  # fmt: skip
    else:
        about = {f[8:] for f in a.families if f.startswith("country:")} & b.countries
        about |= {f[8:] for f in b.families if f.startswith("country:")} & a.countries
        if about:
            out.append(Feature("regime", WEIGHTS["regime_country"],
                               f"a regime about {', '.join(sorted(about))} and a person of "
                               "that country"))  # fmt: skip
    days = [abs((date.fromisoformat(x) - date.fromisoformat(y)).days)
            for x in a.listed for y in b.listed]  # fmt: skip
    if days and min(days) <= LISTED_TOGETHER_DAYS:
        out.append(Feature("listed_together", WEIGHTS["listed_together"],
                           f"designated {min(days)} days apart by the two lists"))  # fmt: skip
    return out


def _family_words(families: set[str]) -> str:
    words = []
    for family in sorted(families):
        kind_, _, value = family.partition(":")
        words.append({"magnitsky": "Magnitsky-class", "country": f"{value.upper()}-related",
                      "unsc": f"UNSC {value}"}.get(kind_, family))  # fmt: skip
    return " and ".join(words)


def _common_name(a: Profile, b: Profile, name: Feature) -> Feature | None:
    """Both names made only of words common in the store: the name identifies less."""
    if name.weight <= 0 or not a.common_words or not b.common_words:
        return None
    words = [t for _, tokens in (*a.forms, *b.forms) for t in tokens]
    matched = {t for t in words if t in a.common_words or t in b.common_words}
    content = {t for _, tokens in (*a.forms[:1], *b.forms[:1]) for t in tokens
               if t not in STOPWORDS and len(t) > 1}  # fmt: skip
    if content and content <= matched:
        return Feature("common_name", WEIGHTS["common_name"],
                       f"every word of the names is common ({len(content)} words)")  # fmt: skip
    return None


def _set_features(a: Profile, b: Profile) -> list[Feature]:
    out = []
    if shared := a.identifiers & b.identifiers:
        # An IMO number stays with a ship through every renaming; other numbers (a
        # person's documents, a company's registration or tax number) are sometimes shared
        # by relatives or affiliates, or copied wrongly.
        vessel = a.schema == b.schema == "Vessel"
        weight = WEIGHTS["identifier_vessel" if vessel else "identifier"]
        out.append(Feature("identifier", weight, f"shared {sorted(shared)[:3]}"))
    if shared := a.refs & b.refs:
        out.append(Feature("reference", WEIGHTS["reference"], f"shared {sorted(shared)[:3]}"))
    if a.countries and b.countries:
        if a.countries & b.countries:
            out.append(Feature("country", WEIGHTS["country_shared"],
                               f"shared {sorted(a.countries & b.countries)}"))  # fmt: skip
        else:
            out.append(Feature("country", WEIGHTS["country_conflict"],
                               f"{sorted(a.countries)} / {sorted(b.countries)}"))  # fmt: skip
    if a.genders and b.genders and not a.genders & b.genders:
        out.append(Feature("gender", WEIGHTS["gender_conflict"],
                           f"{sorted(a.genders)} / {sorted(b.genders)}"))  # fmt: skip
    return out


def compare(a: Profile, b: Profile) -> Score:
    """Score two profiles and say why (what `strong` and `conflict` mean: `_weighed`)."""
    if kind(a) != kind(b):
        return Score(0.0, [Feature("schema", -10.0, f"{a.schema} / {b.schema}")], conflict=True)
    name, _ = _name_feature(a, b)
    features = [Feature("prior", PRIOR[kind(a)], kind(a)), name]
    dob = _dob_feature(a, b)
    if dob is not None:
        features.append(dob)
    features.extend(_set_features(a, b))
    same_rare = a.distinctive & b.distinctive
    if same_rare:
        features.append(Feature("rare_name", WEIGHTS["rare_name"],
                                f"same rare full name {min(same_rare)!r}"))  # fmt: skip
    features.extend(_context_features(a, b))
    backed = (dob is not None and dob.weight > 0) or any(
        f.name in ("identifier", "reference", "rare_name") for f in features)  # fmt: skip
    if not backed and (common := _common_name(a, b, name)):
        features.append(common)
    return _weighed(a, b, features)


def _weighed(a: Profile, b: Profile, features: list[Feature]) -> Score:
    """A pair's features summed into its score, with the flags clustering reads.

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
    name = next(f for f in features if f.name == "name")
    similarity = name.similarity or 0.0
    dob = next((f for f in features if f.name == "birth_date"), None)
    same_rare = any(f.name == "rare_name" for f in features)
    tied = any(f.name == "reference" for f in features) or (
        name.weight >= 2.0 and any(f.name == "identifier" for f in features)
    )
    conflict = not tied and any(_conflicting(f) for f in features)
    total = sum(f.weight for f in features)
    strong = (
        any(f.name in ("identifier", "reference") for f in features)
        or (similarity >= 0.97 and dob is not None and dob.weight >= 2.5)
        or (similarity == 1.0 and bool(a.birth_dates & b.birth_dates))
        or (
            same_rare
            and (dob is None or dob.weight > 0)
            and not (a.legal_forms and b.legal_forms and a.legal_forms != b.legal_forms)
        )
    )
    # Without its conflicting features, would the pair merge? Then it is a possible match
    # for a person to look at (same full name, birth dates conflict), not a bare namesake.
    unconflicted = total - sum(f.weight for f in features if _conflicting(f))
    dated = any(f.name in ("identifier", "reference")
                or (f.name == "birth_date" and f.weight >= WEIGHTS["dob_day"])
                for f in features)  # fmt: skip
    return Score(_logistic(total), features, conflict=conflict, strong=strong,
                 unconflicted=_logistic(unconflicted), dated=dated)  # fmt: skip


def _conflicting(feature: Feature) -> bool:
    """A birth date or gender that contradicts (-3.0 or less): another person, unless the
    lists are tied by a reference or a shared number."""
    return feature.name in ("birth_date", "gender") and feature.weight <= -3.0


def _logistic(total: float) -> float:
    return 1 / (1 + math.exp(-total))
