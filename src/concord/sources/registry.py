"""Facts per source (`sources.yml`) and the choice of parser for a snapshot folder.

Example:
    >>> src = sources()["us-ofac"]
    >>> src.choose_format(["sdn.csv", "alt.csv"]).name
    'sdn-csv'
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatch
from functools import cache
from importlib import resources
from typing import Any, cast

import yaml

from concord.errors import BadInput
from concord.model import jurisdictions
from concord.sources.base import ParsedList

Parser = Callable[[Mapping[str, bytes]], ParsedList]


@dataclass(frozen=True)
class Format:
    """One file format of a source: which files make a snapshot, and which parser reads it."""

    name: str
    main: str
    optional: tuple[str, ...]
    parser: str

    def matches(self, name: str) -> bool:
        """Whether a (lower-case, .gz-stripped) file name is this format's main file."""
        return fnmatch(name, self.main)

    def members(self, names: Iterable[str]) -> list[str]:
        """The files of a folder that belong to this format (main first)."""
        names = list(names)
        main = [n for n in names if self.matches(n)]
        extra = [n for n in names if n in self.optional and n not in main]
        return main + extra

    def load(self) -> Parser:
        """The parser function (imported on first use)."""
        module_name, _, func = self.parser.partition(":")
        module = importlib.import_module(module_name)
        return cast(Parser, getattr(module, func))


@dataclass(frozen=True)
class Source:
    """One official list and its facts."""

    id: str
    publisher: str
    title: str
    jurisdiction: str
    min_ratio: float
    urls: tuple[str, ...]
    formats: tuple[Format, ...]

    def official_name(self, filename: str) -> str:
        """The official file name a user's file stands for (for files renamed on disk).

        >>> sources()["us-ofac"].official_name("us-ofac-2024-05-04-empty-sdn.csv")
        'sdn.csv'
        >>> sources()["un-sc"].official_name("un-sc-2025-08-16-control-chars.xml")
        'consolidated.xml'
        """
        name = filename.lower()
        names = [n for f in self.formats for n in (f.main, *f.optional)]
        if any(fnmatch(name, n) for n in names):
            return name
        ends = [n for n in names if "*" not in n and name.endswith(n)]
        if ends:
            return max(ends, key=len)
        suffix = name.rsplit(".", 1)[-1]
        for fmt in self.formats:
            if "*" not in fmt.main and fmt.main.endswith("." + suffix):
                return fmt.main
        return name

    def choose_format(self, names: Iterable[str]) -> Format:
        """The first format whose main file is among `names`."""
        names = list(names)
        for fmt in self.formats:
            if any(fmt.matches(n) for n in names):
                return fmt
        raise BadInput(f"{self.id}: no known list file among {', '.join(sorted(names)) or '-'}")


def _source(source_id: str, data: dict[str, Any]) -> Source:
    formats = tuple(
        Format(
            name=str(f["name"]),
            main=str(f["main"]).lower(),
            optional=tuple(str(o).lower() for o in f.get("optional", [])),
            parser=str(f["parser"]),
        )
        for f in data["formats"]
    )
    # A government's list: its id names its jurisdiction (one rule, model/jurisdictions.py).
    stated = jurisdictions.shown(str(data["jurisdiction"]))
    jurisdiction = jurisdictions.of_source(source_id) or stated
    if stated != jurisdiction:
        raise ValueError(f"sources.yml: {source_id} says jurisdiction {stated!r}")
    return Source(
        id=source_id,
        publisher=str(data["publisher"]),
        title=str(data["title"]),
        jurisdiction=jurisdiction,
        min_ratio=float(data.get("min_ratio", 0.5)),
        urls=tuple(str(u) for u in data.get("urls", [])),
        formats=formats,
    )


@cache
def sources() -> dict[str, Source]:
    """Every source Concord knows, by id."""
    text = resources.files("concord.sources").joinpath("sources.yml").read_text("utf-8")
    return {sid: _source(sid, data) for sid, data in yaml.safe_load(text).items()}


def get_source(source_id: str) -> Source:
    """The source of an id, or BadInput naming the known ones."""
    try:
        return sources()[source_id]
    except KeyError:
        known = ", ".join(sorted(sources()))
        raise BadInput(f"unknown source {source_id!r} (known: {known})") from None
