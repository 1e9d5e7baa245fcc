"""Entry keys of the Canadian list: one canonical regime segment and schedule code per regime.

The publisher re-worded both the Country and the Schedule texts between snapshots (2022:
``Burma`` / ``2``; 2025: ``Myanmar (Burma)`` / ``Part 2``) while keeping the item numbers, so
keys use one canonical spelling per regime (`KEYING`) and stay stable.

Example:
    >>> schedule_code("1, Part 1", "CA-SEMA-RUSSIA"), schedule_code("2", "CA-SEMA-IRAN")
    ('1P1', '1P2')
    >>> schedule_code("Part 2", "CA-SEMA-SYRIA"), schedule_code("1", "CA-JVCFOA")
    ('P2', '')
"""

from __future__ import annotations

import re
from enum import Enum


class Style(Enum):
    """How a regime's schedule texts map to one canonical code."""

    NONE = "none"  # one schedule, no parts: the schedule text carries nothing
    PARTS = "parts"  # one schedule in parts: "2", "1, Part 2", "Part 2" -> "P2"
    SCHEDULE1 = "schedule1"  # Schedule 1 in parts: "2", "1, Part 2" -> "1P2"
    SCHEDULES = "schedules"  # several schedules, the first in parts: "1" -> "1P1", "2" -> "2"


# Regime key -> (key segment, schedule style). The styles follow the regulations: e.g. the
# Iran and Belarus schedules are Parts of Schedule 1 (2022 "1"/"2" became 2025 "1, Part 1" /
# "1, Part 2" with the same items); Syria's and Ukraine's are Parts of a single schedule;
# Russia has Schedules 1 (in Parts), 1.1 (ships), 2 and 3.
KEYING: dict[str, tuple[str, Style]] = {
    "CA-JVCFOA": ("JVCFOR", Style.NONE),
    "CA-SEMA-BELARUS": ("Belarus", Style.SCHEDULE1),
    "CA-SEMA-CHINA": ("China", Style.PARTS),
    "CA-SEMA-GUATEMALA": ("Guatemala", Style.NONE),
    "CA-SEMA-HAITI": ("Haiti", Style.PARTS),
    "CA-SEMA-HAMAS": ("Hamas Terrorist Attacks", Style.PARTS),
    "CA-SEMA-IRAN": ("Iran", Style.SCHEDULE1),
    "CA-SEMA-MOLDOVA": ("Moldova", Style.PARTS),
    "CA-SEMA-MYANMAR": ("Myanmar", Style.PARTS),
    "CA-SEMA-NICARAGUA": ("Nicaragua", Style.NONE),
    "CA-SEMA-RUSSIA": ("Russia", Style.SCHEDULES),
    "CA-SEMA-SETTLER-VIOLENCE": ("Extremist Settler Violence", Style.PARTS),
    "CA-SEMA-SOUTH-SUDAN": ("South Sudan", Style.NONE),
    "CA-SEMA-SRI-LANKA": ("Sri Lanka", Style.NONE),
    "CA-SEMA-SUDAN": ("Sudan", Style.PARTS),
    "CA-SEMA-SYRIA": ("Syria", Style.PARTS),
    "CA-SEMA-UKRAINE": ("Ukraine", Style.PARTS),
    "CA-SEMA-VENEZUELA": ("Venezuela", Style.NONE),
    "CA-SEMA-ZIMBABWE": ("Zimbabwe", Style.NONE),
}

_SCHEDULE = re.compile(
    r"(?:(?P<s>\d+(?:\.\d+)?)\s*,?\s*)?(?:part\s*(?P<p>\d+(?:\.\d+)?))?", re.IGNORECASE
)
NO_SCHEDULE = frozenset({"", "n/a", "na", "-"})
_ABBREVIATION = re.compile(r"\(([A-Z]{3,})\)\s*$")
_PARENTHESIS = re.compile(r"\s*\([^)]*\)")


def schedule_code(text: str, regime_key: str | None) -> str:
    """The canonical schedule code of a Schedule text under a regime ("" for none)."""
    text = " ".join(text.split())
    style = KEYING[regime_key][1] if regime_key in KEYING else None
    if text.casefold() in NO_SCHEDULE or style is Style.NONE:
        return ""
    match = _SCHEDULE.fullmatch(text)
    if match is None or not (match["s"] or match["p"]):
        return re.sub(r"[\s,]+", "", text)
    sched, part = match["s"], match["p"]
    if style is Style.PARTS:
        return f"P{part or sched}"
    if style is Style.SCHEDULE1:
        return f"1P{part or sched}"
    if style is Style.SCHEDULES:
        if part:
            return f"{sched or '1'}P{part}"
        return "1P1" if sched == "1" else str(sched)
    return f"{sched or ''}P{part}" if part else str(sched)


def regime_segment(country: str, regime_key: str | None) -> str:
    """The regime part of an entry key: canonical for known regimes, else the English text.

    >>> regime_segment("Atlantis / Atlantide", None)
    'Atlantis'
    """
    if regime_key in KEYING:
        return KEYING[regime_key][0]
    english = " ".join(country.split("/")[0].split())
    abbreviation = _ABBREVIATION.search(english)
    if abbreviation is not None:
        return abbreviation.group(1)
    return _PARENTHESIS.sub("", english).strip() or english
