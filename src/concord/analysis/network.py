"""Network gaps: associates and companies of a principal that one jurisdiction sanctions
while another sanctions only the principal.

The links are the lists' own (OFAC `Linked To:`, UN references in UK and UN remarks; see
`links.py`). A row is a principal P designated (under any regime) by both the leader and the
other jurisdiction, and an associate A linked to P that the leader designates under the
filter and the other does not designate at all: a route around the other's designation.
"""

from __future__ import annotations

from typing import Any

from concord.analysis.frame import Frame, short
from concord.analysis.gaps import GapQuery


def network_gaps(frame: Frame, query: GapQuery) -> list[dict[str, Any]]:
    """One row per (principal, associate, missing jurisdiction)."""
    return frame.memo(("network_gaps", query), lambda: _network_gaps(frame, query))


def _network_gaps(frame: Frame, query: GapQuery) -> list[dict[str, Any]]:
    """`network_gaps` without the memo."""
    query = query.checked(frame)
    when = query.as_of
    rows: list[dict[str, Any]] = []
    seen = set()
    for a, b, role, stated in frame.links:
        for principal, associate in ((a, b), (b, a)):
            p_held = frame.holders(principal, None, when)
            if query.leader not in p_held:
                continue
            lead = frame.holders(associate, query.flt, when).get(query.leader)
            if not lead:
                continue
            if query.target_country and frame.country(associate) != query.target_country:
                continue
            a_held = frame.holders(associate, None, when)
            for code in query.missing:
                key = (principal, associate, code)
                if code not in p_held or code in a_held or key in seen:
                    continue
                seen.add(key)
                rows.append({
                    "principal_id": principal, "principal": frame.names.get(principal, ""),
                    "principal_in": p_held[code][0].cell(),
                    "associate_id": associate, "associate": frame.names.get(associate, ""),
                    "associate_schema": frame.schemata.get(associate, ""),
                    "link": role, "stated_by": stated, "leader": query.leader,
                    "leader_regime": lead[0].regime, "leader_listed": short(lead[0].listed),
                    "missing": code,
                })  # fmt: skip
    rows.sort(key=lambda r: (r["missing"], r["principal"].casefold(), r["associate"].casefold()))
    return rows
