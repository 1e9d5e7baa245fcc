"""The Remarks mini-language of the OFAC SDN files, parsed into FollowTheMoney properties.

OFAC writes everything it knows beyond the fixed columns into one ``Remarks`` field, as
``;``-separated statements: ``DOB 29 Apr 1965; POB Moscow, Russia; nationality Russia;
Passport 1234 (Russia) expires 01 Jan 2030; a.k.a. 'VOVA'; Linked To: SOME BANK.``.
`parse_remarks` turns that text into facts (property, value), identity documents, crypto
wallets, links to other entries, sanction provisions, and notes; a statement it does not
understand is kept whole in `Remarks.unknown` (the parser writes it to ``notes``), never
dropped. The labels and the properties they make are in `vocabulary`; `build` writes the
result onto entities.

Example:
    >>> r = parse_remarks("DOB 1955 to 1957; POB Havana, Cuba; a.k.a. 'PEPE'.")
    >>> [(f.prop, f.value) for f in r.facts]  # doctest: +NORMALIZE_WHITESPACE
    [('birthDate', '1955'), ('birthDate', '1956'), ('birthDate', '1957'),
     ('birthPlace', 'Havana, Cuba'), ('birthCountry', 'Cuba'), ('weakAlias', 'PEPE')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from concord.sources.dates import month_number, partial_date
from concord.sources.us_ofac.common import COMMENTS, SDN
from concord.sources.us_ofac.vocabulary import (
    DATES,
    DOCUMENTS,
    ID,
    LABEL,
    NOTED,
    PHONES,
    PROVISIONS,
    SIMPLE,
)

_DATE = re.compile(r"(?:(\d{1,2}) )?(?:([A-Za-z]{3})[a-z]* )?(\d{4})")
_RANGE = re.compile(r"(.+?)(?: to |-)(.+)")
# A range of whole years longer than this gives its two ends only, not every year.
MAX_YEAR_SPAN = 10
# A document number longer than this is free text that merely starts like a document.
MAX_NUMBER = 40
_ALIAS = re.compile(r"(?:[Aa]lt\. )?([afnd])\.[kb]\.a\.\s*'(.+)'\.?", re.DOTALL)
_ALIAS_PROPS = {"a": "weakAlias", "n": "weakAlias", "d": "weakAlias", "f": "previousName"}
_WALLET = re.compile(r"(?:[Aa]lt\. )?Digital Currency Address - (\w+)\s+(\S+?)\.?")
_DOC = re.compile(
    r"(?P<number>.+?)(?: \((?P<country>[^()]*[A-Za-z][^()]*)\))?"
    r"(?:,? issued (?P<issued>[\w ]+?))?(?:,? expires (?P<expires>[\w ]+?))?\.?"
)


@dataclass(frozen=True)
class Fact:
    """One understood value: `prop` of the main entity gets `value`."""

    prop: str
    value: str
    origin: str
    segment: str
    soft: bool = False


@dataclass(frozen=True)
class Document:
    """An identity or registration document named in the remarks."""

    prop: str
    kind: str
    label: str
    number: str
    country: str | None
    issued: list[str]
    expires: list[str]
    origin: str
    segment: str


@dataclass
class Remarks:
    """What the remarks of one entry say, sorted by where it belongs."""

    facts: list[Fact] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    wallets: list[tuple[str, str, str]] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    provisions: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[tuple[str, str]] = field(default_factory=list)

    def fact(self, prop: str, value: str, origin: str, segment: str, soft: bool = False) -> None:
        """Add one understood value (`soft`: a guess that may be dropped if FtM refuses it)."""
        self.facts.append(Fact(prop, value.strip(), origin, segment, soft))


def parse_date(text: str) -> str | None:
    """One OFAC date as an FtM date prefix, or None when it is not a date.

    >>> parse_date("29 Apr 1965"), parse_date("Apr 1965"), parse_date("1965.")
    ('1965-04-29', '1965-04', '1965')
    >>> parse_date("31 Feb 1965") is None
    True
    """
    match = _DATE.fullmatch(text.strip().rstrip("."))
    if match is None:
        return None
    day, month, year = match.groups()
    if month is None:
        return None if day else year
    number = month_number(month)
    if number is None:
        return None
    return partial_date(year, number, day)


def parse_dates(text: str) -> list[str] | None:
    """An OFAC date, approximate date or range as FtM date values; None if not understood.

    ``circa`` is dropped (FtM has no approximate dates); a range of years gives every year,
    and a range of days spanning whole years (``01 Jan 1953 to 31 Dec 1954``) gives years.

    >>> parse_dates("circa 1979-1982")
    ['1979', '1980', '1981', '1982']
    >>> parse_dates("26 Sep 1946 to 07 Dec 1946")
    ['1946-09-26', '1946-12-07']
    >>> parse_dates("01 Jan 1953 to 31 Dec 1954")
    ['1953', '1954']
    """
    text = text.strip().rstrip(".").strip()
    if text.casefold().startswith("circa "):
        text = text[6:].strip()
    single = parse_date(text)
    if single is not None:
        return [single]
    match = _RANGE.fullmatch(text)
    if match is None:
        return None
    start, end = parse_date(match.group(1)), parse_date(match.group(2))
    if start is None or end is None:
        return None
    return date_range(start, end)


def date_range(start: str, end: str) -> list[str] | None:
    """FtM date values for a period known only as an interval (see `parse_dates`).

    >>> date_range("1950-01-01", "1951-12-31"), date_range("1950-03", "1950-03")
    (['1950', '1951'], ['1950-03'])
    """
    if end < start:
        return None
    if start.endswith("-01-01") and end.endswith("-12-31"):
        start, end = start[:4], end[:4]
    if len(start) == len(end) == 4 and int(end) - int(start) <= MAX_YEAR_SPAN:
        return [str(year) for year in range(int(start), int(end) + 1)]
    return [start, end] if start != end else [start]


def clean_phone(text: str) -> str:
    """OFAC phone numbers lack the ``+``: add it where the number is international.

    >>> clean_phone("(98)(21)(66153220)"), clean_phone("0097282851500")
    ('+982166153220', '+97282851500')
    """
    digits = re.sub(r"[\s()\-.]", "", text.strip().rstrip("."))
    if digits.startswith("00") and digits.isdigit():
        return "+" + digits[2:]
    if digits.isdigit() and len(digits) >= 10:
        return "+" + digits
    return digits


def split_segments(text: str, sdn_length: int | None = None) -> list[tuple[str, str]]:
    """The ``;``-separated statements of a remarks text, each with its origin component.

    `sdn_length` is the length of the part that came from sdn.csv; statements that reach
    beyond it came (at least partly) from sdn_comments.csv.

    >>> split_segments("DOB 1960; a.k.a. 'X'", 9)
    [('DOB 1960', 'sdn'), ("a.k.a. 'X'", 'comments')]
    """
    out: list[tuple[str, str]] = []
    start = 0
    limit = len(text) if sdn_length is None else sdn_length
    for part in text.split(";"):
        end = start + len(part)
        segment = part.strip()
        if segment:
            out.append((segment, SDN if end <= limit else COMMENTS))
        start = end + 1
    return out


def parse_remarks(text: str, sdn_length: int | None = None) -> Remarks:
    """Sort the statements of one entry's remarks (see the module docstring)."""
    return parse_segments(split_segments(text, sdn_length))


def parse_segments(segments: Iterable[tuple[str, str]], result: Remarks | None = None) -> Remarks:
    """Sort single statements, each with its origin, into `result` (or a new `Remarks`)."""
    result = Remarks() if result is None else result
    for segment, origin in segments:
        _parse_segment(result, segment, origin)
    return result


def _parse_segment(result: Remarks, segment: str, origin: str) -> None:
    if PROVISIONS.match(segment, 5 if segment[:5] in ("alt. ", "Alt. ") else 0):
        result.provisions.append((segment.rstrip("."), origin))
        return
    alias = _ALIAS.fullmatch(segment)
    if alias is not None:
        result.fact(_ALIAS_PROPS[alias.group(1)], alias.group(2), origin, segment)
        return
    wallet = _WALLET.fullmatch(segment)
    if wallet is not None:
        result.wallets.append((wallet.group(1), wallet.group(2), origin))
        return
    match = LABEL.fullmatch(segment)
    if match is None or not _parse_labelled(result, match, origin, segment):
        result.unknown.append((segment, origin))


def _parse_labelled(result: Remarks, match: re.Match[str], origin: str, segment: str) -> bool:
    label, value = match.group(1), match.group(2).strip()
    if label == "Position" and not segment.partition("Position")[2].lstrip().startswith(":"):
        return False  # "Position also referred to as ..." is prose, not a position
    if label == "Linked To":
        result.links.append((value, origin))
    elif label in DOCUMENTS:
        return _parse_document(result, label, value, origin, segment)
    elif label == "POB":
        place = value.rstrip(".")
        result.fact("birthPlace", place, origin, segment)
        result.fact("birthCountry", place.rsplit(",", 1)[-1], origin, segment, soft=True)
    elif label in DATES:
        dates = parse_dates(value)
        if dates is None:
            return False
        for value_ in dates:
            result.fact(DATES[label], value_, origin, segment)
    elif label in PHONES:
        result.fact("phone", clean_phone(value), origin, segment)
    elif label in NOTED:
        result.notes.append((f"{label}: {value.rstrip('.')}", origin))
    else:
        result.fact(SIMPLE[label], _strip_period(SIMPLE[label], value), origin, segment)
    return True


def _strip_period(prop: str, value: str) -> str:
    # A final period ends the remark; keep it where it may belong to the value (a position).
    return value if prop == "position" else value.rstrip(".")


def make_document(
    label: str,
    number: str,
    country: str | None,
    dates: tuple[list[str], list[str]],
    origin: str,
) -> Document:
    """A document given as type and number (the XML formats); `dates`: (issued, expires).

    The type is matched against the known labels (``Vessel Registration Identification`` +
    ``IMO 9123456`` is an IMO number); an unknown type is read as an ``idNumber``.
    """
    segment = f"{label} {number}"
    match = LABEL.fullmatch(segment)
    if match is not None and match.group(1) in DOCUMENTS:
        label, number = match.group(1), match.group(2).strip()
    prop, kind = DOCUMENTS.get(label, ("idNumber", ID))
    return Document(prop, kind, label, number, country, dates[0], dates[1], origin, segment)


def _parse_document(result: Remarks, label: str, value: str, origin: str, segment: str) -> bool:
    match = _DOC.fullmatch(value)
    if match is None:
        return False
    issued = parse_dates(match.group("issued") or "") if match.group("issued") else []
    expires = parse_dates(match.group("expires") or "") if match.group("expires") else []
    if issued is None or expires is None:
        return False
    prop, kind = DOCUMENTS[label]
    number = match.group("number").strip()
    if len(number) > MAX_NUMBER:
        return False
    result.documents.append(
        Document(
            prop, kind, label, number, match.group("country"), issued, expires, origin, segment
        )
    )
    return True
