"""The regime registry: one YAML file per regime in `model/regimes/`.

Each regime has a stable key (the OpenSanctions programme key where one exists, so data from
both lines up), a jurisdiction, its legal instrument, the date it came into force, its
grounds and measures, and the exact strings each list uses for it. Analysis works on keys
and grounds, never on raw list strings.

Example:
    >>> reg = registry()
    >>> reg.lookup("us-ofac", "GLOMAG").key
    'US-GLOMAG'
    >>> reg.lookup("au-dfat", "Autonomous (Thematic – Corruption) ").key
    'AU-CRP'
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import yaml

from concord.errors import ConcordError

GROUNDS = (
    "human_rights",
    "corruption",
    "terrorism",
    "proliferation",
    "cyber",
    "geographic",
    "other",
)
MEASURES = ("asset_freeze", "travel_ban", "arms_embargo", "other")
JURISDICTIONS = ("US", "GB", "CA", "EU", "AU", "UN", "CH", "NZ", "JP", "XX")
# The regimes the NGOs' campaign is about: thematic human-rights and anti-corruption regimes.
MAGNITSKY_GROUNDS = frozenset({"human_rights", "corruption"})

_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_SPACE = re.compile(r"\s+")


def normalize_label(text: str) -> str:
    """Fold a list's regime string for lookup: NFKC, dashes, spaces and case.

    >>> normalize_label("Autonomous (Thematic \u2013 Corruption)  ")
    'autonomous (thematic - corruption)'
    """
    text = unicodedata.normalize("NFKC", text)
    text = _DASHES.sub("-", text)
    return _SPACE.sub(" ", text).strip().casefold()


class RegistryError(ConcordError):
    """A regime file that does not hold what the registry needs."""


@dataclass(frozen=True)
class Regime:
    """One sanctions regime of one jurisdiction."""

    key: str
    jurisdiction: str
    name: str
    instrument: str
    in_force: date | None
    grounds: tuple[str, ...]
    measures: tuple[str, ...]
    magnitsky: bool
    labels: dict[str, tuple[str, ...]]
    url: str | None = None
    # Regimes whose designations this one carries on when a list relabels them
    # (DFAT's "Autonomous (Thematic)" became "... Thematic - Human Rights" and "- Corruption").
    continues: tuple[str, ...] = ()
    # The countries a country programme is about (ISO codes, lower case), as the regime
    # file states them (`key_countries` finds the same in the key; a test holds them equal).
    countries: tuple[str, ...] = ()

    @property
    def grounds_stated(self) -> bool:
        """Whether a designation under the regime says its ground: a regime with one ground
        does; one that covers several (US GLOMAG: serious human-rights abuse *or*
        corruption) leaves it unstated unless the entry says more."""
        return len(self.grounds) == 1

    @property
    def human_rights(self) -> bool:
        """Whether the regime rests (at least partly) on human-rights grounds."""
        return "human_rights" in self.grounds

    @property
    def families(self) -> frozenset[str]:
        """What the regime has in common with other jurisdictions' regimes: `magnitsky`
        (thematic human rights and corruption), the country a country programme is about
        (`country:mm` for the US BURMA, UK GB-MMR, Canada's and Australia's Myanmar
        regimes), and the UN Security Council resolution a UN regime rests on.

        >>> sorted(registry().get("GB-MMR").families), sorted(registry().get("US-GLOMAG").families)
        (['country:mm'], ['magnitsky'])
        >>> sorted(registry().get("AU-UNSC1718").families)
        ['country:kp', 'unsc:1718']
        """
        return _families(self.key, self.magnitsky, self.countries)


def _regime_from_yaml(data: dict[str, Any], origin: str) -> Regime:
    try:
        key = str(data["key"])
        grounds = tuple(str(g) for g in data.get("grounds", []))
        measures = tuple(str(m) for m in data.get("measures", []))
        labels = {
            str(src): tuple(str(s) for s in strings)
            for src, strings in (data.get("labels") or {}).items()
        }
        in_force = data.get("in_force")
        regime = Regime(
            key=key,
            jurisdiction=str(data["jurisdiction"]),
            name=str(data["name"]),
            instrument=str(data.get("instrument", "")),
            in_force=in_force if isinstance(in_force, date) else None,
            grounds=grounds,
            measures=measures,
            magnitsky=bool(data.get("magnitsky", False)),
            labels=labels,
            url=data.get("url"),
            continues=tuple(str(k) for k in data.get("continues", [])),
            countries=tuple(str(c) for c in data.get("countries", [])),
        )
    except (KeyError, TypeError) as exc:
        raise RegistryError(f"{origin}: missing or malformed field {exc}") from exc
    bad = [g for g in grounds if g not in GROUNDS] + [m for m in measures if m not in MEASURES]
    if bad or regime.jurisdiction not in JURISDICTIONS:
        raise RegistryError(f"{origin}: unknown grounds/measures/jurisdiction {bad}")
    return regime


# Parts of regime keys that a country lookup would misread (CYB is no country code).
_NOT_COUNTRIES = frozenset({"CYB", "SDN"})
_UNSC = re.compile(r"^(?:UN)?SC(\d{3,4})$")
# UN regimes by resolution, where the resolution is about one country.
_UNSC_COUNTRY = {"1718": "kp", "2231": "ir", "1970": "ly", "2140": "ye", "1533": "cd",
                 "751": "so", "2127": "cf", "2206": "ss", "1591": "sd", "1518": "iq",
                 "1988": "af", "2048": "gw", "2374": "ml", "2653": "ht", "2713": "so"}  # fmt: skip


@cache
def _families(key: str, magnitsky: bool, countries: tuple[str, ...]) -> frozenset[str]:
    out = {"magnitsky"} if magnitsky else set()
    out |= {f"country:{code}" for code in countries}
    out |= {f"unsc:{m.group(1)}" for part in key.split("-")[1:] if (m := _UNSC.match(part))}
    return frozenset(out)


def key_countries(key: str) -> set[str]:
    """The countries a regime's key names (`US-BURMA` -> mm), read with FtM's country
    lookup: slow the first time (it builds rigour's index of territory names), so it is
    used to check the `countries` regime files state, not at run time.

    >>> sorted(key_countries("AU-RUSSIA-UKRAINE")), sorted(key_countries("UK-SOUTH-SUDAN"))
    (['ru', 'ua'], ['ss'])
    """
    from followthemoney import registry as ftm_registry

    parts = key.split("-")[1:]
    whole = " ".join(p for p in parts if p != "SEMA")
    if " " in whole and (code := ftm_registry.country.clean(whole)):
        return {code}  # SOUTH-SUDAN, SRI-LANKA
    out = {_UNSC_COUNTRY[m.group(1)] for part in parts
           if (m := _UNSC.match(part)) and m.group(1) in _UNSC_COUNTRY}  # fmt: skip
    return out | {
        code
        for part in parts
        if not _UNSC.match(part) and len(part) >= 3 and part not in _NOT_COUNTRIES
        and (code := ftm_registry.country.clean(part))
    }  # fmt: skip


class Registry:
    """All regimes, with a lookup from (source, list string) to regime."""

    def __init__(self, regimes: list[Regime]) -> None:
        self.regimes: dict[str, Regime] = {}
        self._labels: dict[tuple[str, str], Regime] = {}
        for regime in regimes:
            if regime.key in self.regimes:
                raise RegistryError(f"duplicate regime key {regime.key}")
            self.regimes[regime.key] = regime
            for source, strings in regime.labels.items():
                for label in strings:
                    norm = (source, normalize_label(label))
                    other = self._labels.get(norm)
                    if other is not None and other.key != regime.key:
                        raise RegistryError(
                            f"{source} label {label!r} maps to {other.key} and {regime.key}"
                        )
                    self._labels[norm] = regime
        for regime in regimes:
            if bad := [k for k in regime.continues if k not in self.regimes]:
                raise RegistryError(f"{regime.key} continues unknown regime {bad[0]}")

    def lookup(self, source: str, label: str) -> Regime | None:
        """The regime a list's string stands for, or None when the registry lacks it."""
        return self._labels.get((source, normalize_label(label)))

    def get(self, key: str) -> Regime | None:
        """The regime of a key, or None."""
        return self.regimes.get(key)

    def magnitsky_keys(self) -> frozenset[str]:
        """Keys of the Magnitsky-class (thematic human-rights / anti-corruption) regimes."""
        return frozenset(k for k, r in self.regimes.items() if r.magnitsky)

    def __iter__(self) -> Iterator[Regime]:
        return iter(sorted(self.regimes.values(), key=lambda r: r.key))

    def __len__(self) -> int:
        return len(self.regimes)


@cache
def registry_digest() -> str:
    """A digest of the shipped registry files: what is derived from regimes (a resolver
    profile's regime families) is stale when it changes."""
    folder = resources.files("concord.model").joinpath("regimes")
    digest = hashlib.sha1()
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yml"):
            digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    return digest.hexdigest()


@cache
def registry() -> Registry:
    """The registry shipped with Concord (loaded once, validated at load)."""
    folder = resources.files("concord.model").joinpath("regimes")
    regimes = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yml"):
            data = yaml.safe_load(entry.read_text(encoding="utf-8"))
            regimes.append(_regime_from_yaml(data, entry.name))
    return Registry(regimes)
