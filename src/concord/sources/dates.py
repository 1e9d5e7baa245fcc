"""Dates as the lists write them by hand: one month table and one validator for every
parser, on prefixdate (the date library FtM itself uses), so that a day that does not exist
is refused the same way everywhere and a partial date keeps its precision.

Example:
    >>> month_number("Sept."), month_number("avril"), partial_date(1965, 4, 29)
    (9, None, '1965-04-29')
    >>> partial_date(1965, 2, 31), partial_date(1965, 4), partial_date("1965")
    (None, '1965-04', '1965')
"""

from __future__ import annotations

import prefixdate

# English month names and their abbreviations, as every list in the mirror writes them.
_ABBREVIATIONS = [
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
]
_MONTHS = {name: number for number, name in enumerate(_ABBREVIATIONS, 1)}


def month_number(text: str) -> int | None:
    """The month an English month name or abbreviation names (`Mar`, `march`, `Sept.`)."""
    return _MONTHS.get(text.strip(" .,").casefold()[:3])


def partial_date(
    year: int | str, month: int | str | None = None, day: int | str | None = None
) -> str | None:
    """An FtM date string (`1965`, `1965-04`, `1965-04-29`), or None for a date that does
    not exist (31 February, month 13)."""
    found = prefixdate.parse_parts(year, month, day)
    return found.text
