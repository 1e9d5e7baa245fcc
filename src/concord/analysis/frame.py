"""One compact table of designations per target, built once per store state.

Every analysis (coverage, gaps, lags, alignment, timeline) reads this frame, never the raw
statements, so a web page can answer in milliseconds once the frame is built. The frame is
rebuilt when the store changes: a new snapshot or a new resolution run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from concord.analysis.country import TargetCountry, target_countries
from concord.errors import BadInput
from concord.model import jurisdictions
from concord.model.dates import DateInterval
from concord.model.jurisdictions import JURISDICTIONS as JURISDICTIONS
from concord.model.regimes import MAGNITSKY_GROUNDS
from concord.resolve.cluster import target_id as make_target_id
from concord.resolve.score import explain
from concord.store import Store, per_state
from concord.store.designations import (
    Designation,
    Run,
    designation_set,
    runs_ended,
    runs_in_force,
)
from concord.store.tables import entries, match_pairs, target_members

T = TypeVar("T")
MEMO_SIZE = 512  # answers kept per frame
GROUND_CHOICES = ("any", "human_rights", "corruption")
REGIME_CHOICES = ("magnitsky", "all")
UNSTATED_CHOICES = ("include", "exclude")


jurisdiction_code = jurisdictions.code
jurisdiction_list = jurisdictions.codes


@dataclass(frozen=True)
class Filter:
    """Which designations count: by ground and by regime class.

    A ground filter keeps designations that state the ground, and, with `unstated`
    `include` (the default), those whose regime covers it but whose list does not say
    which ground applies (US GLOMAG covers human-rights abuse and corruption alike).
    """

    grounds: str = "any"
    regimes: str = "magnitsky"
    unstated: str = "include"

    def __post_init__(self) -> None:
        if self.grounds not in GROUND_CHOICES:
            raise BadInput(f"grounds must be one of {', '.join(GROUND_CHOICES)}")
        if self.regimes not in REGIME_CHOICES:
            raise BadInput(f"regimes must be one of {', '.join(REGIME_CHOICES)}")
        if self.unstated not in UNSTATED_CHOICES:
            raise BadInput(f"unstated must be one of {', '.join(UNSTATED_CHOICES)}")

    def accepts(self, listing: Listing) -> bool:
        """Whether a designation passes the filter."""
        if self.regimes == "magnitsky" and not listing.magnitsky:
            return False
        if self.grounds == "any":
            return True
        if self.grounds not in listing.grounds:
            return False
        return listing.grounds_stated or self.unstated == "include"

    def unstated_only(self, listing: Listing) -> bool:
        """Whether the designation passes only because its unstated ground may be this one."""
        return self.grounds != "any" and self.accepts(listing) and not listing.grounds_stated

    def describe(self) -> str:
        """Readable form, for titles."""
        kind = "Magnitsky-class" if self.regimes == "magnitsky" else "all regimes"
        if self.grounds == "any":
            return kind
        return (f"{kind}, {self.grounds.replace('_', ' ')} "
                f"(unstated grounds {self.unstated}d)")  # fmt: skip


def missing_filter(under: str | None) -> Filter:
    """The filter behind `--missing-under`: None counts a designation under any regime."""
    if under is None:
        return Filter("any", "all")
    if under == "magnitsky":
        return Filter("any", "magnitsky")
    return Filter(under, "all")


@dataclass(frozen=True)
class Listing:
    """One designation: a list entry under one regime, tied to its target."""

    target_id: str
    entry_key: str
    source: str
    jurisdiction: str
    regime: str
    grounds: tuple[str, ...]
    magnitsky: bool
    listed: DateInterval
    listed_from_list: bool
    delisted: DateInterval | None
    runs: tuple[Run, ...]
    reason: str
    grounds_stated: bool = True
    listed_basis: str = "snapshots"

    @classmethod
    def of(cls, target_id: str, d: Designation) -> Listing:
        """The designation `d` of the read model, tied to its target."""
        return cls(target_id=target_id, entry_key=d.entry_key, source=d.source,
                   jurisdiction=d.jurisdiction, regime=d.regime or "", grounds=d.grounds,
                   magnitsky=d.magnitsky, listed=d.listed, listed_from_list=d.listed_from_list,
                   delisted=d.delisted, runs=d.runs, reason=d.reasons[-1] if d.reasons else "",
                   grounds_stated=d.grounds_stated, listed_basis=d.listed_basis)  # fmt: skip

    def in_force(self, as_of: date | None = None) -> bool:
        """Whether it is listed now (None) or was known listed on `as_of`."""
        return runs_in_force(self.runs, as_of)

    def ended(self, as_of: date | None = None) -> bool:
        """Whether it was listed once and is known gone by `as_of` (now when None)."""
        return runs_ended(self.runs, as_of)

    def ground_text(self) -> str:
        """The ground as the list states it, or `unstated (human rights or corruption)`."""
        text = " or ".join(g.replace("_", " ") for g in self.grounds)
        return text if self.grounds_stated else f"unstated ({text})"

    def cell(self) -> str:
        """Regime key and listed date: `GB-HR 2022-12-09`."""
        return f"{self.regime} {short(self.listed)}"


@dataclass(frozen=True)
class PossibleMatch:
    """An entry of another list that may be the same target, scored but not merged."""

    entry_key: str
    jurisdiction: str
    name: str
    target_id: str
    score: float
    why: str

    def as_dict(self) -> dict[str, Any]:
        """The match as a gap row carries it."""
        return {**asdict(self), "score": round(self.score, 3)}


@dataclass
class Frame:
    """Every designation ever held, per target, with names, countries and links."""

    listings: list[Listing]
    names: dict[str, str]
    schemata: dict[str, str]
    countries: dict[str, TargetCountry]
    # Links between targets: (target a, target b, role, entry key that states it).
    links: list[tuple[str, str, str, str]]
    state: tuple[Any, ...]
    # Possible matches the resolver kept apart: target -> candidates on other lists.
    possible: dict[str, list[PossibleMatch]] = field(default_factory=dict)
    by_target: dict[str, list[Listing]] = field(default_factory=dict)
    # Answers already computed on this frame: the frame never changes, so they stay true.
    # Callers must not modify the rows they get.
    _memo: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        grouped: dict[str, list[Listing]] = defaultdict(list)
        for listing in self.listings:
            grouped[listing.target_id].append(listing)
        self.by_target = dict(grouped)

    def memo(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """The answer for `key`, computed once per frame."""
        if key not in self._memo:
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()  # many distinct questions (dates): start afresh
            self._memo[key] = compute()
        answer: T = self._memo[key]
        return answer

    def accepted(self, flt: Filter | None) -> list[Listing]:
        """Designations ever held that pass the filter."""
        if flt is None:
            return self.listings
        return self.memo(("accepted", flt), lambda: [x for x in self.listings if flt.accepts(x)])

    def select(self, flt: Filter | None = None, as_of: date | None = None) -> list[Listing]:
        """Designations in force (now, or on `as_of`) that pass the filter."""
        return [x for x in self.accepted(flt) if x.in_force(as_of)]

    def holders(
        self, target: str, flt: Filter | None = None, as_of: date | None = None
    ) -> dict[str, list[Listing]]:
        """A target's designations in force, by jurisdiction."""
        out: dict[str, list[Listing]] = defaultdict(list)
        for x in self.by_target.get(target, []):
            if x.in_force(as_of) and (flt is None or flt.accepts(x)):
                out[x.jurisdiction].append(x)
        return out

    def country(self, target: str) -> str:
        """The target country code (upper case) or ''."""
        found = self.countries.get(target)
        return found.code.upper() if found else ""


@per_state
def load_frame(store: Store) -> Frame:
    """The frame of the store's current state (built on first use, then kept on the store).
    Refused while the store holds snapshots no finished resolution has read."""
    store.require_resolved()
    return build_frame(store)


def build_frame(store: Store) -> Frame:
    """Read the store once into a frame."""
    with store.read() as conn:
        state = Store.state(conn)
        members = dict(
            conn.execute(sa.select(target_members.c.entry_key, target_members.c.target_id)).all()
        )
        info = {
            r.entry_key: (r.caption, r.schema, r.entity_id)
            for r in conn.execute(
                sa.select(entries.c.entry_key, entries.c.caption, entries.c.schema,
                          entries.c.entity_id)
            )
        }  # fmt: skip
        listings = _listings(store)
        targets = {x.entry_key: x.target_id for x in listings} | members
        links = _links(store, info, targets)
        countries = target_countries(store, targets, listings)
        possible = _possible(conn, info, targets)
    names: dict[str, str] = {}
    schemata: dict[str, str] = {}
    for key, tid in sorted(targets.items()):
        caption, schema, _ = info.get(key, ("", "", ""))
        # The name of a target: its US entry when it has one (the best-known spelling).
        if tid not in names or (key.startswith("us-ofac:") and caption):
            names[tid], schemata[tid] = caption, schema
    return Frame(listings, names, schemata, countries, links, state, possible)


def _possible(
    conn: Connection, info: dict[str, tuple[str, str, str]], targets: dict[str, str]
) -> dict[str, list[PossibleMatch]]:
    """Each target's possible matches on other lists: pairs the last resolution run kept
    apart (below the merge threshold, refused by a guard, or only a conflicting birth date
    against them) and nobody has judged different. Best first."""
    out: dict[str, list[PossibleMatch]] = defaultdict(list)
    rows = conn.execute(sa.select(match_pairs).where(
        match_pairs.c.decision.in_(("possible", "refused")))).all()  # fmt: skip
    for row in rows:
        for mine, other in ((row.key_a, row.key_b), (row.key_b, row.key_a)):
            ta, tb = targets.get(mine), targets.get(other)
            code = jurisdictions.of_source(other)
            if ta is None or tb is None or ta == tb or code is None:
                continue
            why = explain(row.features)
            if row.decision == "refused" and row.reason:
                why += f"; not merged: {row.reason}"
            out[ta].append(PossibleMatch(other, code, info.get(other, ("",))[0], tb,
                                         float(row.score), why))  # fmt: skip
    for found in out.values():
        found.sort(key=lambda m: (-m.score, m.entry_key))
    return dict(out)


def _listings(store: Store) -> list[Listing]:
    """The read model's designations of the six jurisdictions' lists, with their targets.
    A designation under a regime the registry lacks is left out of the analyses (ingest
    warned of its label)."""
    return [
        Listing.of(d.target_id or make_target_id([d.entry_key]), d)
        for d in designation_set(store).all
        if d.regime is not None and d.jurisdiction in JURISDICTIONS
    ]


def _links(
    store: Store, info: dict[str, tuple[str, str, str]], targets: dict[str, str]
) -> list[tuple[str, str, str, str]]:
    from concord.analysis.links import list_links

    by_entity = {entity: key for key, (_, _, entity) in info.items()}
    out = []
    for a, b, role, stated in list_links(store, by_entity):
        ta, tb = targets.get(a), targets.get(b)
        if ta and tb and ta != tb:
            out.append((ta, tb, role, stated))
    return out


def magnitsky_grounds() -> Iterable[str]:
    """The grounds of the Magnitsky class, for reports."""
    return sorted(MAGNITSKY_GROUNDS)


def short(interval: DateInterval | None) -> str:
    """A date or interval in a table cell: `2022-12-09`, `2021-08-25..2021-11-10` (any day
    in that range, both ends included) or `..2015-01-17` (on or before).

    >>> short(DateInterval(date(2021, 8, 24), date(2021, 11, 10)))
    '2021-08-25..2021-11-10'
    """
    if interval is None:
        return ""
    if interval.is_exact:
        return interval.until.isoformat()
    start = interval.earliest
    return f"{start.isoformat() if start else ''}..{interval.until.isoformat()}"


def present_jurisdictions(frame: Frame, flt: Filter | None = None) -> list[str]:
    """The jurisdictions the store holds a list of, in the usual order. With a Magnitsky
    filter, the UN is left out: it has no regime of that class, so it is no gap."""
    held = {x.jurisdiction for x in frame.listings}
    if flt is not None and flt.regimes == "magnitsky":
        held.discard("UN")
    return [j for j in JURISDICTIONS if j in held]
