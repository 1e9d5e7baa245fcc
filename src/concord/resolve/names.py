"""Names folded for matching across scripts and transliterations.

Example:
    >>> name_tokens("KUZNETSOV, Artem Viktorovich")
    ('kuznetsov', 'artem', 'viktorovich')
    >>> name_tokens("Кузнецов Артём Викторович")
    ('kuznetsov', 'artyom', 'viktorovich')
    >>> round(name_similarity(name_tokens("CHEN Quanguo"), name_tokens("陈全国")), 2)
    1.0
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from rigour.names import extract_org_types, replace_org_types_compare
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
def org_name_tokens(name: str) -> tuple[str, ...]:
    """A body's name without its legal form (`PJSC`, `Joint Stock Company`, `Limited`), so
    that only the words that name the body are compared.

    >>> org_name_tokens("PUBLIC JOINT STOCK COMPANY SOVCOMFLOT"), org_name_tokens("Alfa-Bank JSC")
    (('sovcomflot',), ('alfa', 'bank'))
    """
    tokens = name_tokens(replace_org_types_compare(name.lower()))
    legal = {t for form in _org_types(name) for t in name_tokens(form)}
    return tuple(t for t in tokens if t not in legal) or tokens


@lru_cache(maxsize=200_000)
def _org_types(name: str) -> frozenset[str]:
    # rigour's compare forms of the legal forms in a name; asked for twice per name
    # (tokens and legal forms), found once.
    return frozenset(form for _, form in extract_org_types(name.lower()))


def legal_forms(name: str) -> str:
    """The legal forms a body's name states, as rigour writes them for comparison.

    >>> legal_forms("ADOON GENERAL TRADING L.L.C."), legal_forms("Adoon General Trading FZE")
    ('llc', 'fze')
    """
    return " ".join(sorted(_org_types(name)))


@lru_cache(maxsize=200_000)
def phonetic(token: str) -> str:
    """A phonetic key of one word (metaphone), or the word itself when it has none."""
    return metaphone(token) or token


def name_keys(names: Iterable[str]) -> frozenset[str]:
    """Phonetic keys of every content word of the names (blocking draws pairs by them).

    >>> sorted(name_keys(["KUZNETSOV, Artem", "al-Asad"]))
    ['ARTM', 'AST', 'KSNTSF']
    """
    return frozenset(
        phonetic(token)
        for name in names
        for token in name_tokens(name)
        if len(token) > 1 and token not in STOPWORDS and not token.isdigit()
    )


def _content(tokens: tuple[str, ...]) -> list[str]:
    return list(_content_words(tokens))


@lru_cache(maxsize=200_000)
def _content_words(tokens: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(t for t in tokens if t not in STOPWORDS and not t.isdigit()) or tokens


def name_similarity(a: tuple[str, ...], b: tuple[str, ...], extra_cost: float = 0.08) -> float:
    """How alike two names are, 0..1, whatever the order of their parts.

    Each word of the shorter name is paired with its most similar word of the longer
    (Jaro-Winkler); words the longer name has in excess (a patronymic, a second surname)
    cost `extra_cost` times their share of the longer name's letters: a little for a
    person, much for a body (`Bank of Russia` is not `Alfa-Bank Russia`). Names written
    as one word in one list and split in another (`Quanguo` / `Quan Guo`) compare by
    their letters run together.
    """
    ta, tb = _content(a), _content(b)
    if not ta or not tb:
        return 0.0
    ta, tb = _join_split(ta, tb), _join_split(tb, ta)
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
            sim = 1.0 if token == other else _word_similarity(token, other)
            if sim > best:
                best, best_i = sim, i
        if best_i >= 0:
            free.pop(best_i)
        total += best * len(token)
        weight += len(token)
    score = total / weight
    extra = sum(len(t) for t in free) / max(1, sum(len(t) for t in long_))
    return max(0.0, score - extra_cost * extra)


def _join_split(tokens: list[str], other: list[str]) -> list[str]:
    """`tokens` with two neighbours joined where `other` writes them as one word
    (`Vitel'homme` -> `vitel homme` against `VITELHOMME`).

    >>> _join_split(["innocent", "vitel", "homme"], ["vitelhomme", "innocent"])
    ['innocent', 'vitelhomme']
    """
    joined = set(other)
    out: list[str] = []
    for token in tokens:
        if out and out[-1] + token in joined and out[-1] not in joined:
            out[-1] += token
        else:
            out.append(token)
    return out


EXTRA_COST = {"person": 0.06, "other": 0.3}  # see name_similarity
TRANSLITERATION = 0.9  # one name in two spellings: near, not equal (Hasan / Husain sound alike too)
SPELLING = 0.92
INITIAL = 0.95  # an initial standing for a word it begins (`G.` for `Germanovna`)


def _sound(word: str) -> str:
    """A word's phonetic key, with `y` read as `i` and `x` as `ks` (Ayub / Aiub, Alexei /
    Aleksei)."""
    return phonetic(word.replace("y", "i").replace("x", "ks"))


def _skeleton(word: str) -> str:
    """A word's consonants after its first letter (Artem / Artyom -> `rtm`)."""
    return "".join(c for c in word[1:].replace("x", "ks") if c not in "aeiouyhw")


@lru_cache(maxsize=1_000_000)
def _word_similarity(x: str, y: str) -> float:
    """Two words: an initial against the word it begins, else Jaro-Winkler."""
    if (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y)):
        return INITIAL
    sim = float(jaro_winkler(x, y))
    if (
        sim < TRANSLITERATION
        and x[0] == y[0]
        and len(x) > 3
        and (_sound(x) == _sound(y) or (sim >= 0.85 and _skeleton(x) == _skeleton(y)))
    ):
        return TRANSLITERATION  # Aiub / Ayub, Artem / Artyom: one name, two spellings
    if sim < SPELLING:
        # Below the spellings of one name (Viktar / Viktor 0.93), Jaro-Winkler still rates
        # other names high (Aung / Thaung 0.89): there it falls three times as fast.
        return max(0.0, SPELLING - 3 * (SPELLING - sim))
    return sim


def name_note(a: str, b: str) -> str:
    """In words, how two names that agree differ: initials, missing words, spellings.

    >>> name_note("STEPANOVA, Olga G.", "Olga Germanovna STEPANOVA")
    "initial 'g' for 'germanovna'"
    >>> name_note("KATAEV Aiub Vakhaevich", "Ayub KATAEV")
    "spelling 'aiub' / 'ayub'; 'vakhaevich' missing"
    """
    ta, tb = _content(name_tokens(a)), _content(name_tokens(b))
    ta, tb = _join_split(ta, tb), _join_split(tb, ta)
    for t in set(ta) & set(tb):
        ta.remove(t)
        tb.remove(t)
    notes = []
    for x, y in ((ta, tb), (tb, ta)):
        for token in [t for t in x if len(t) == 1]:
            word = next((w for w in y if len(w) > 1 and w.startswith(token)), None)
            if word is not None:
                x.remove(token)
                y.remove(word)
                notes.append(f"initial {token!r} for {word!r}")
    for token in list(ta):
        best = max(tb, key=lambda w: jaro_winkler(token, w), default=None)
        if best is not None and jaro_winkler(token, best) >= 0.8:
            ta.remove(token)
            tb.remove(best)
            notes.append(f"spelling {token!r} / {best!r}")
    notes.extend(f"{t!r} missing" for t in ta + tb)
    return "; ".join(notes)
