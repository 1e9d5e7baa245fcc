"""The screening form: a name (and what else is known) against every current list, each
hit with the features that made its score."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from concord.errors import BadInput
from concord.screen import THRESHOLD, Filters, Query, get_index, screen
from concord.screen.decisions import VERDICTS, apply, suppressions
from concord.store import Store

MAX_NAME = 300


@dataclass(frozen=True)
class ScreenRequest:
    """What the form asks (empty strings from the form mean none)."""

    name: str = ""
    dob: str = ""
    country: str = ""
    jurisdiction: str = ""
    customer: str = ""
    threshold: float = THRESHOLD
    limit: int = 10

    def query(self) -> Query:
        """The screening query; BadInput for an unknown country or jurisdiction."""
        if len(self.name) > MAX_NAME:
            raise BadInput(f"a name has at most {MAX_NAME} characters")
        filters = Filters.make(jurisdictions=[self.jurisdiction] if self.jurisdiction else [])
        return Query([self.name.strip()], None, [self.dob] if self.dob else [],
                     [self.country] if self.country else [], filters, self.threshold,
                     self.limit)  # fmt: skip


def _hit(hit: Any) -> dict[str, Any]:
    return {**hit.as_dict(), "decision": hit.decision_note,
            "features": [f.as_dict() for f in hit.features],
            "designations": hit.target.designations}  # fmt: skip


def screen_page(store: Store, request: ScreenRequest) -> dict[str, Any]:
    """The hits for a name (none asked: the empty form), best first, with explanations."""
    data: dict[str, Any] = {"title": "Screen a name", "form": asdict(request),
                            "verdicts": list(VERDICTS), "hits": None}  # fmt: skip
    if not request.name.strip():
        return data
    hits = screen(get_index(store), request.query())
    hits = apply(hits, request.customer or None, suppressions(store))
    data["hits"] = [_hit(h) for h in hits]
    data["title"] = f"Screening {request.name.strip()!r}"
    return data
