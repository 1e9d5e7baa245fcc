"""What every format of the US OFAC SDN list shares: the source, the components of the
legacy file set, entry ids, program tags and ``Linked To`` names.

The XML formats give their statements the component the same fact comes from in the file
set (names ``sdn``, aliases ``alt``, addresses ``add``), so that snapshots read from any
format compare fact by fact.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

from concord.model import entities
from concord.sources import base

SOURCE = "us-ofac"
# The component files of the legacy set; every statement names one as its origin.
SDN, ADD, ALT, COMMENTS = "sdn", "add", "alt", "comments"
_LINK = re.compile(r"Linked To:\s*([^;]+)")


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cycle collector while splitting.

    Splitting allocates some ten container objects per entry and makes no reference cycles;
    the collector's passes over them took about a third of the split time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def program_tags(program: str) -> list[str]:
    """The tags of a Program field.

    >>> program_tags("SDGT] [IFSR"), program_tags("CAATSA - RUSSIA")
    (['SDGT', 'IFSR'], ['CAATSA - RUSSIA'])
    """
    return [tag.strip() for tag in program.strip().strip("[]").split("] [") if tag.strip()]


def link_names(text: str) -> list[str]:
    """The names after ``Linked To:`` in a remarks text, as `parse_remarks` reads them.

    >>> link_names("DOB 1960; Linked To: ACME S.A.; Linked To: BETA LTD.")
    ['ACME S.A.', 'BETA LTD.']
    """
    return [name.strip() for name in _LINK.findall(text) if name.strip()]


def resolve_link(name: str, index: Mapping[str, str | None], self_id: str) -> str | None:
    """The ent_num of the one other entry named exactly `name`, else None.

    The last remark ends with a period that may or may not belong to the name.

    >>> resolve_link("BETA LTD.", {"BETA LTD": "7", "ACME S.A.": "8"}, "1")
    '7'
    """
    target = index.get(name)
    if target is None and name.endswith("."):
        target = index.get(name[:-1])
    return None if target == self_id else target


def main_id(ent_num: str) -> str:
    """The FtM id of an entry's main entity (the same for every format of the list).

    >>> main_id("36")
    'us-ofac-36'
    """
    return entities.entity_id(SOURCE, ent_num)


def regime_warnings(programs: Iterable[str]) -> list[str]:
    """One warning per program tag the regime registry does not know."""
    lookup = base.RegimeLookup(SOURCE)
    for program in sorted(programs):
        lookup(program)
    return lookup.warnings()
