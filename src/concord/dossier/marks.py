"""The closed vocabularies of a dossier, validated once: statuses, evidence marks, the
regimes a criterion may cite.

Example:
    >>> reliability("b2")
    'B2'
    >>> criterion("GB-HR", "Serious violations of the right to life.")["jurisdiction"]
    'UK'
"""

from __future__ import annotations

import re
from typing import Any

from concord.errors import BadInput
from concord.model import jurisdictions
from concord.model.regimes import registry

# A proposal's path in one jurisdiction. `designated` is also set by itself when the target
# appears on that jurisdiction's list (see `standing.statuses`).
STATUSES = ("draft", "submitted", "under consideration", "designated", "declined")
# Who may see an evidence file: `public` travels in every package; `confidential` is left
# out of a package, or encrypted for one named recipient.
CONFIDENTIALITY = ("public", "confidential")
# The NATO "Admiralty" grading: source reliability A (reliable) .. F (cannot be judged),
# information credibility 1 (confirmed) .. 6 (cannot be judged).
_RELIABILITY = re.compile(r"^[A-F][1-6]$")


def status(text: str) -> str:
    """A status of the proposal in one jurisdiction (`under-consideration` is accepted)."""
    found = text.strip().lower().replace("-", " ").replace("_", " ")
    if found not in STATUSES:
        raise BadInput(f"unknown status {text!r} (one of {', '.join(STATUSES)})")
    return found


def reliability(text: str) -> str:
    """An Admiralty grade: a letter A-F (the source) and a digit 1-6 (the information)."""
    found = text.strip().upper()
    if not _RELIABILITY.match(found):
        raise BadInput(
            f"reliability {text!r} is not an Admiralty grade such as B2 "
            "(source A-F, information 1-6)"
        )
    return found


def confidentiality(text: str) -> str:
    """`public` or `confidential`."""
    found = text.strip().lower()
    if found not in CONFIDENTIALITY:
        raise BadInput(f"confidentiality must be one of {', '.join(CONFIDENTIALITY)}")
    return found


def criterion(regime_key: str, text: str) -> dict[str, Any]:
    """A legal criterion the conduct meets under one regime of the registry."""
    regime = registry().get(regime_key.strip().upper())
    if regime is None:
        raise BadInput(f"no regime {regime_key!r} in the registry (see `concord regimes`)")
    if not text.strip():
        raise BadInput(f"say which criterion of {regime.key} the conduct meets")
    return {
        "regime": regime.key,
        "jurisdiction": jurisdictions.shown(regime.jurisdiction),
        "instrument": regime.instrument,
        "text": text.strip(),
    }


def proposed(text: str | list[str]) -> list[str]:
    """Proposed jurisdictions, from `UK,CA` or a list; at least one, each once."""
    parts = (
        jurisdictions.codes(text)
        if isinstance(text, str)
        else [jurisdictions.code(t) for t in text]
    )
    found = list(dict.fromkeys(parts))
    if not found:
        raise BadInput("propose at least one jurisdiction (e.g. --propose UK,CA)")
    return found


def criterion_lines(text: str) -> list[tuple[str, str]]:
    """Criteria written one per line as `REGIME=criterion` (as a web form sends them);
    blank lines are skipped.

    Example:
        >>> criterion_lines("GB-HR=Torture\\n\\n CA-JVCFOA = Torture ")
        [('GB-HR', 'Torture'), ('CA-JVCFOA', 'Torture')]
    """
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        regime, sep, found = line.partition("=")
        if not sep:
            raise BadInput(f"criterion {line.strip()!r}: write REGIME=criterion, e.g. GB-HR=...")
        out.append((regime.strip(), found.strip()))
    return out
