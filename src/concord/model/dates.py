"""Dates known only as an interval stay intervals, never a guessed day.

Example:
    >>> str(DateInterval(date(2021, 8, 24), date(2021, 11, 10)))
    'after 2021-08-24, on or before 2021-11-10'
    >>> str(DateInterval.exact(date(2020, 12, 7)))
    '2020-12-07'
    >>> str(DateInterval(None, date(2015, 1, 17)))
    'on or before 2015-01-17'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class DateInterval:
    """A day known to lie in (after, until]: after `after` (exclusive), on or before `until`.

    `after` is None when nothing earlier is known; an exact day has after == until - 1 day.
    """

    after: date | None
    until: date

    @classmethod
    def exact(cls, day: date) -> DateInterval:
        """An interval holding exactly one day."""
        return cls(day - timedelta(days=1), day)

    @property
    def is_exact(self) -> bool:
        """Whether the interval pins one day."""
        return self.after is not None and (self.until - self.after).days == 1

    @property
    def earliest(self) -> date | None:
        """The first day the interval admits, or None when it is open to the past."""
        return None if self.after is None else self.after + timedelta(days=1)

    @property
    def days(self) -> int | None:
        """How many days the interval admits (None when open to the past)."""
        return None if self.after is None else (self.until - self.after).days

    def __str__(self) -> str:
        if self.is_exact:
            return self.until.isoformat()
        if self.after is None:
            return f"on or before {self.until.isoformat()}"
        return f"after {self.after.isoformat()}, on or before {self.until.isoformat()}"

    def as_dict(self) -> dict[str, str | None]:
        """JSON form: the bounds and the readable text."""
        return {
            "after": self.after.isoformat() if self.after else None,
            "until": self.until.isoformat(),
            "text": str(self),
        }


def parse_iso(text: str) -> date | None:
    """A full ISO date from an FtM date string, or None when it is partial or invalid.

    >>> parse_iso("2021-11-10"), parse_iso("2021-11")
    (datetime.date(2021, 11, 10), None)
    """
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 10 else None
    except ValueError:
        return None
