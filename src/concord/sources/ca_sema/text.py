"""Normalizers for the free-text fields of the Canadian list: aliases, entity names, dates."""

from __future__ import annotations

import re

from followthemoney import registry

from concord.sources.dates import month_number

# Separators between names: ";", " / ", " or ", and language labels ("Russian:"). New lines
# are not: the file wraps long names ("Mohamed\nAtta Emoula Abbas").
_ALIAS_SEPARATORS = re.compile(r";|\s+/\s+|\s+or\s+|(?-i:(?<!\S)[A-Z][a-z]+\s*:\s*)", re.IGNORECASE)
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_LATIN = re.compile(r"[A-Za-z]")
_AKA = re.compile(r"\s*\((?:also known as|a\.?k\.?a\.?)\s+([^)]*)\)", re.IGNORECASE)
# A legal form after a comma belongs to the name before it ("Банк Зенит, ПАО").
_LEGAL_FORMS = frozenset(
    [
        "ао",
        "пао",
        "оао",
        "зао",
        "ооо",
        "сао",
        "нао",
        "jsc",
        "pjsc",
        "ojsc",
        "cjsc",
        "llc",
        "ltd",
        "inc",
        "co",
        "plc",
        "gmbh",
        "sa",
        "ag",
        "fze",
        "llp",
    ]
)
_OPEN, _CLOSE = "(«“[", ")»”]"


def _split_top(text: str, separator: str) -> list[str]:
    """Split at `separator` where it stands outside brackets and quotes."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, char in enumerate(text):
        depth += (char in _OPEN) - (char in _CLOSE)
        quoted ^= char == '"'
        if char == separator and depth <= 0 and not quoted:
            parts.append(text[start:i].strip())
            start = i + 1
    return [*parts, text[start:].strip()]


def _tidy(piece: str) -> str:
    """Strip spaces, end punctuation and an unbalanced bracket from one name."""
    piece = " ".join(piece.split()).strip(" .,;:")
    if piece.startswith("(") and ")" not in piece:
        piece = piece[1:].strip()
    if piece.endswith(")") and "(" not in piece:
        piece = piece[:-1].strip()
    return piece


def _split_commas(piece: str, person: bool) -> list[str]:
    parts = _split_top(piece, ",")
    if len(parts) < 2:
        return parts
    # One name, not several: "Банк Зенит, ПАО", "фонд помощи людям, попавшим в ...", and the
    # inverted or shared-surname pairs "Баранов, Олег Анатольевич", "Sergei, Serhii SHERBAKOV".
    if any(p.strip(" .").casefold() in _LEGAL_FORMS for p in parts):
        return [piece]
    if any(p.lstrip("\"'«“(")[:1].islower() for p in parts):
        return [piece]
    if person and len(parts) == 2 and min(len(p.split()) for p in parts) < 2:
        return [piece]
    return parts


def split_aliases(text: str, person: bool) -> tuple[list[str], list[str]]:
    """Split a free-text Aliases field into (strong, weak) names.

    >>> split_aliases("Aleksey Azarov, Aleksei Azarov; Russian: Алексей Азаров", True)
    (['Aleksey Azarov', 'Aleksei Azarov', 'Алексей Азаров'], [])
    >>> split_aliases("Manakhimova and Semendueva", True)
    ([], ['Manakhimova', 'Semendueva'])
    >>> split_aliases("Банк Зенит, ПАО", False)
    (['Банк Зенит, ПАО'], [])
    """
    names: list[str] = []
    for piece in _ALIAS_SEPARATORS.split(text):
        for part in _split_commas(piece, person):
            # Person names hold no "and"; entity names do, unless the rest is not Latin.
            if person or not _LATIN.search(_AND.sub(" ", part)):
                names.extend(_AND.split(part))
            else:
                names.append(part)
    tidy = list(dict.fromkeys(t for t in map(_tidy, names) if t))
    weak = [n for n in tidy if person and len(n.split()) < 2]
    return [n for n in tidy if n not in weak], weak


def org_names(text: str) -> tuple[list[str], list[str]]:
    """An entity's (names, aliases): "(also known as X)" and a French "/" half are aliases.

    >>> org_names("Iranian Army/Armée iranienne")
    (['Iranian Army'], ['Armée iranienne'])
    """
    text = " ".join(text.split())
    aliases = [_tidy(a) for a in _AKA.findall(text)]
    text = _AKA.sub("", text).strip(" ;,")
    halves = _split_top(text, "/")
    if len(halves) > 1 and all(len(h.split()) >= 2 for h in halves):
        return [halves[0]], aliases + halves[1:]
    return ([text] if text else []), aliases


def _years(first: int, last: int) -> list[str]:
    if 0 <= last - first <= 10:
        return [str(y) for y in range(first, last + 1)]
    return [str(first), str(last)]


def birth_dates(text: str) -> tuple[list[str], bool]:
    """FtM dates in a DateOfBirth text, and whether some part could not be read.

    >>> birth_dates("1965-07-15 OR 1969-09-28"), birth_dates("1963-1964")
    ((['1965-07-15', '1969-09-28'], False), (['1963', '1964'], False))
    >>> birth_dates("Sep-99"), birth_dates("born in the early 1970s")
    ((['1999-09'], False), ([], True))
    """
    values, unparsed = [], False
    for piece in re.split(r"\s+or\s+|;", text.strip(), flags=re.IGNORECASE):
        piece = piece.strip()
        iso = re.fullmatch(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", piece)
        span = re.fullmatch(r"(\d{4})\s*-\s*(\d{4})", piece)
        # "Sep-99": a spreadsheet's rendering of a month and a two-digit year (19xx).
        month = re.fullmatch(r"([A-Za-z]{3})-(\d{2})", piece)
        if iso is not None and registry.date.clean(piece) is not None:
            values.append(piece)
        elif span is not None:
            values.extend(_years(int(span[1]), int(span[2])))
        elif month is not None and (number := month_number(month[1])):
            values.append(f"19{month[2]}-{number:02d}")
        elif piece:
            unparsed = True
    return values, unparsed
