"""Normalizers for DFAT's free-text cells: dates of birth, enumerations, listing dates.

Example:
    >>> birth_dates("a) Approximately 1955- 1958 b) 19/03/1967")
    ['1955', '1956', '1957', '1958', '1967-03-19']
    >>> listing_date("Listed by UN 1267 Committee on 25 January 2001 (amended on 9 July 2007)")
    '2001-01-25'
"""

from __future__ import annotations

import re

from followthemoney import registry

from concord.sources.dates import month_number

_MON = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
# One pattern, alternatives in order of precedence: the leftmost, longest reading wins.
_DATES = re.compile(
    rf"(?P<iso>\b{_YEAR}-\d\d-\d\d\b)"
    rf"|(?P<dmy>\b\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{4}}\b)"
    rf"|(?P<dmon>\b\d{{1,2}}(?:st|nd|rd|th)?[\s-]+{_MON},?[\s-]+(?:\d{{4}}|\d\d)\b)"
    rf"|(?P<between>\bbetween\s+{_MON}\s+(?:and|to)\s+{_MON}\s+{_YEAR}\b)"
    rf"|(?P<mon>\b{_MON}\s+{_YEAR}\b)"
    rf"|(?P<span>\b{_YEAR}\s*(?:-|–|to|and)\s*{_YEAR}\b)"
    rf"|(?P<year>\b{_YEAR}\b)",
    re.IGNORECASE,
)
_ENUMERATION = re.compile(r"(?:^|(?<=[\s;,]))\(?[a-z]\)\s*")
_EMPTY = frozenset({"", "na", "n/a", "n.a.", "none", "-", "unknown", "not known"})
_LISTED = re.compile(
    rf"(?<!re)(?<!re-)(?<!last )(?:listed|designated)\b[^.;()]*?\bon:?\s*"
    rf"(?P<date>\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{4}}|\d{{1,2}}\s+{_MON},?\s+\d{{4}})",
    re.IGNORECASE,
)
_INSTRUMENT_YEAR = re.compile(r"\b(?:Instrument|List)\s+(\d{4})\b")


def _month(text: str) -> int:
    return month_number(text) or 0


def _years(first: int, last: int) -> list[str]:
    if 0 <= last - first <= 10:
        return [str(y) for y in range(first, last + 1)]
    return [str(first), str(last)]


def _day_month(text: str) -> str:
    """'19 Mar. 1967' or '23-Apr-68' (two-digit years are read as 19xx) as an ISO date."""
    day, rest = re.split(r"(?:st|nd|rd|th)?[\s-]+", text, maxsplit=1)
    month, year = re.split(r"[\s.,-]+", rest.strip(" .,"), maxsplit=1)[0], rest[-4:]
    year = year if year.isdigit() else f"19{rest[-2:]}"
    return f"{year}-{_month(month):02d}-{int(day):02d}"


def _reading(match: re.Match[str]) -> list[str]:
    text, kind = match.group(0), match.lastgroup
    if kind in ("iso", "year"):
        return [text]
    if kind == "dmy":
        day, month, year = re.split(r"[/.]", text)
        return [f"{year}-{int(month):02d}-{int(day):02d}"]
    if kind == "dmon":
        return [_day_month(text)]
    years = [int(y) for y in re.findall(r"\d{4}", text)]
    months = re.findall(_MON, text, re.IGNORECASE)
    if kind == "span":
        return _years(years[0], years[1])
    return [f"{years[0]}-{_month(m):02d}" for m in months if month_number(m)]


def birth_dates(text: str) -> list[str]:
    """Every date a Date of Birth cell gives, as FtM date strings (years for ranges).

    >>> birth_dates("14 Mar 1974 >> 1 Aug 1970; Between Aug. and Sep 1977; 23-Apr-68")
    ['1974-03-14', '1970-08-01', '1977-08', '1977-09', '1968-04-23']
    """
    values: list[str] = []
    for match in _DATES.finditer(text):
        for value in _reading(match):
            # Invalid days (31/02) and Hijri years (1402) fall out here.
            cleaned = registry.date.clean(value)
            if cleaned is not None and "1800" <= cleaned[:4] <= "2100":
                values.append(cleaned)
    return list(dict.fromkeys(values))


def items(text: str) -> list[str]:
    """The items of an "a) ... b) ..." enumeration (or the text), without empty markers.

    >>> items("a) Iraq b) Jordan"), items("NA")
    (['Iraq', 'Jordan'], [])
    """
    parts = [" ".join(p.split()).strip(" ;,") for p in _ENUMERATION.split(text)]
    return [p for p in parts if p.casefold() not in _EMPTY]


def countries(text: str) -> tuple[list[str], list[str]]:
    """Country codes in a Citizenship cell, and the parts that name no country.

    >>> countries("Russian and Ukrainian"), countries("Spain (detained)")
    ((['ru', 'ua'], []), ([], ['Spain (detained)']))
    """
    codes, unknown = [], []
    for item in items(text):
        for part in re.split(r"\s+and\s+|[;,/]", item):
            code = registry.country.clean(part.strip()) if part.strip() else None
            if code is not None:
                codes.append(code)
            elif part.strip():
                unknown.append(item)
                break
    return list(dict.fromkeys(codes)), list(dict.fromkeys(unknown))


def listing_date(text: str) -> str | None:
    """The first listing date a Listing Information cell states, else the year of the
    instrument it names (never the day of a later change such as "relisted on").

    >>> listing_date("Listed on: 17 Aug. 2017 (Relisted on 3 Aug. 2020)")
    '2017-08-17'
    >>> listing_date("Autonomous Sanctions (...—Thematic Sanctions) Instrument 2022")
    '2022'
    """
    match = _LISTED.search(text)
    if match is not None:
        found = birth_dates(match.group("date"))
        if found:
            return found[0]
    instrument = _INSTRUMENT_YEAR.search(text)
    return instrument.group(1) if instrument is not None else None
