"""One name for each jurisdiction, everywhere Concord shows one: `US UK CA EU AU UN`.

The regime registry keeps ISO country codes (`GB`), because a Sanction's `country` is an
FtM country; people write UK, and every page, command and export says UK. `GB` is accepted
as input wherever a jurisdiction is asked for.

A source's jurisdiction is the first part of its id (`gb-ofsi` -> UK, `us-ofac-cons` -> US):
one rule, which the source registry checks its own `jurisdiction:` fields against.

Example:
    >>> code("gb"), code(" US "), of_source("gb-fcdo"), of_source("us-ofac-cons")
    ('UK', 'US', 'UK', 'US')
"""

from __future__ import annotations

from concord.errors import BadInput

# The five jurisdictions of the campaign, then the UN as context (docs/analysis.md).
JURISDICTIONS = ("US", "UK", "CA", "EU", "AU", "UN")
_ALIASES = {"GB": "UK"}


def code(text: str) -> str:
    """A jurisdiction as Concord shows it, from what a user or the registry writes.

    >>> code("Gb")
    'UK'
    >>> code("XX")
    Traceback (most recent call last):
    ...
    concord.errors.BadInput: unknown jurisdiction 'XX' (one of US, UK, CA, EU, AU, UN)
    """
    found = _ALIASES.get(text.strip().upper(), text.strip().upper())
    if found not in JURISDICTIONS:
        raise BadInput(f"unknown jurisdiction {text!r} (one of {', '.join(JURISDICTIONS)})")
    return found


def codes(text: str) -> list[str]:
    """A comma-separated list of jurisdictions (`UK,CA`)."""
    return [code(part) for part in text.split(",") if part.strip()]


def shown(text: str) -> str:
    """A registry or source code as shown (`GB` -> `UK`); anything else unchanged."""
    upper = text.strip().upper()
    return _ALIASES.get(upper, upper)


def of_source(source: str) -> str | None:
    """The jurisdiction of a source id or entry key, or None when it is none of the six."""
    found = shown(source.split(":", 1)[0].split("-", 1)[0])
    return found if found in JURISDICTIONS else None
