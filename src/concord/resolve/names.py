"""Names folded for matching across scripts and transliterations.

Example:
    >>> name_tokens("KUZNETSOV, Artem Viktorovich")
    ('kuznetsov', 'artem', 'viktorovich')
    >>> name_tokens("Кузнецов Артём Викторович")
    ('kuznetsov', 'artyom', 'viktorovich')
    >>> round(name_similarity(name_tokens("CHEN Quanguo"), name_tokens("陈全国")), 2)
    0.98
"""

from __future__ import annotations

import re
from functools import lru_cache

from rigour.text import ascii_text, jaro_winkler, metaphone

_TOKEN = re.compile(r"[a-z0-9]+")
# Words that say nothing about who a person or body is.
STOPWORDS = frozenset({"the", "of", "and", "a", "an", "de", "del", "la", "le", "el", "bin",
                       "ibn", "al", "van", "von", "der", "da", "do", "dos", "y", "i"})  # fmt: skip


@lru_cache(maxsize=200_000)
def name_tokens(name: str) -> tuple[str, ...]:
    """The name in Latin letters, lower case, split into words."""
    return tuple(_TOKEN.findall(ascii_text(name).lower()))


@lru_cache(maxsize=200_000)
def phonetic(token: str) -> str:
    """A phonetic key of one word (metaphone), or the word itself when it has none."""
    return metaphone(token) or token


def _content(tokens: tuple[str, ...]) -> list[str]:
    return [t for t in tokens if t not in STOPWORDS and not t.isdigit()] or list(tokens)


def name_similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """How alike two names are, 0..1, whatever the order of their parts.

    Each word of the shorter name is paired with its most similar word of the longer
    (Jaro-Winkler); words the longer name has in excess (a patronymic, a second surname)
    cost a little. Names written as one word in one list and split in another
    (`Quanguo` / `Quan Guo`) compare by their letters run together.
    """
    ta, tb = _content(a), _content(b)
    if not ta or not tb:
        return 0.0
    if sorted(ta) == sorted(tb):
        return 1.0
    if "".join(ta) == "".join(tb) or "".join(sorted(ta)) == "".join(sorted(tb)):
        return 0.98
    short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    free = list(long_)
    total = weight = 0.0
    for token in sorted(short, key=len, reverse=True):
        best, best_i = 0.0, -1
        for i, other in enumerate(free):
            sim = 1.0 if token == other else jaro_winkler(token, other)
            if sim > best:
                best, best_i = sim, i
        if best_i >= 0:
            free.pop(best_i)
        total += best * len(token)
        weight += len(token)
    score = total / weight
    extra = sum(len(t) for t in free) / max(1, sum(len(t) for t in long_))
    return max(0.0, score - 0.08 * extra)
