"""A dossier as one self-contained HTML page: the summary a package carries and
`concord dossier show --html` prints.

Example:
    >>> from concord.store import Store
    >>> from concord.dossier.records import DossierSpec, create, load
    >>> store = Store("sqlite://")
    >>> spec = DossierSpec(["CA"], entity={"id": "p1", "schema": "Person",
    ...                    "properties": {"name": ["Jane <Roe>"]}})
    >>> "<h1>Jane &lt;Roe&gt;</h1>" in render(load(store, create(store, spec, "ann")))
    True
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import jinja2


@cache
def _template() -> jinja2.Template:
    text = resources.files("concord.dossier").joinpath("summary.html").read_text("utf-8")
    env = jinja2.Environment(autoescape=True)
    return env.from_string(text)


def shown_designations(dossier: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
    """The designations a summary shows, and where they come from: this store's lists
    when it knows the target, else those the package it came in carried."""
    live = dossier.get("designations_live") or []
    if live:
        return live, "From the lists in this Concord store (its designation read model)."
    sent = dossier.get("designations_in_package") or []
    origin = dossier.get("origin") or {}
    who = origin.get("signer", {}).get("name", "the sender")
    return sent, f"As the package from {who} stated them when it was exported."


def render(dossier: dict[str, Any]) -> str:
    """The HTML summary of a dossier (as `records.load` returns it)."""
    found, basis = shown_designations(dossier)
    return _template().render(d=dossier, designations=found, designations_basis=basis)
