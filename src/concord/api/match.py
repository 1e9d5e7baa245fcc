"""`POST /match/{dataset}`: yente's matching endpoint, answered by Concord's screening.

The request and response have the shape of yente's (FollowTheMoney query-by-example in,
scored entities out), so an OpenSanctions/yente client can point at Concord unchanged.
Each result is a Concord target (every list's entry of one person or body) rather than
one list entry; docs/screening.md lists the other differences.
"""

from __future__ import annotations

import os
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from followthemoney import model
from pydantic import BaseModel, Field, field_validator

from concord.errors import BadInput, ConcordError, NotFound
from concord.screen import Filters, Hit, ScreenIndex, get_index, screen
from concord.screen import Query as ScreenQuery
from concord.sources.registry import sources
from concord.store import Store

router = APIRouter(tags=["screening"])
ALL_DATASETS = ("default", "sanctions", "all")
NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
NAME_PARTS = ("firstName", "secondName", "middleName", "fatherName", "lastName")
DATE_PROPS = ("birthDate", "incorporationDate")
COUNTRY_PROPS = ("nationality", "citizenship", "country", "jurisdiction", "birthCountry")
MATCHER = {
    "name": "best name agreement of the query with the target's names (resolver weights)",
    "birth_date": "dates of birth agree (+) or conflict (-)",
    "country": "a country of the query is (not) one of the target's",
    "prior": "screening prior: a name is screened against every listed name",
}
# Scoring time grows with the square of a name's length (a 1M-character name took 22 s):
# 1,000 characters is ten times the longest name in any list and scores in milliseconds.
MAX_VALUE = 1000
MAX_VALUES = 50  # values of one property of one query
MAX_QUERIES = 100  # queries of one request (yente's default batch limit)
# Queries not started by then are answered 504 each; a started query is never cut off,
# and each is bounded by the limits above.
DEADLINE = float(os.environ.get("CONCORD_MATCH_DEADLINE", "10"))


def store_dependency(request: Request) -> Store:
    """The store to screen against: the app's (`app.state.store`), else the default URL."""
    store = getattr(request.app.state, "store", None)
    return store if isinstance(store, Store) else Store()


class EntityExample(BaseModel):
    """A query by example: a FollowTheMoney schema and properties (yente's shape)."""

    id: str | None = None
    schema_: str = Field(..., alias="schema", examples=["Person"])
    properties: dict[str, str | list[Any]] = Field(..., examples=[{"name": ["Chen Quanguo"]}])

    @field_validator("properties")
    @classmethod
    def _bounded(cls, value: dict[str, str | list[Any]]) -> dict[str, str | list[Any]]:
        for prop, values in value.items():
            listed = [values] if isinstance(values, str) else values
            if len(listed) > MAX_VALUES:
                raise ValueError(f"{prop}: at most {MAX_VALUES} values")
            for item in listed:
                if len(str(item)) > MAX_VALUE:
                    raise ValueError(f"{prop}: a value is longer than {MAX_VALUE} characters")
        return value


class EntityMatchQuery(BaseModel):
    """A batch of queries by key (yente's shape); `weights` is accepted and ignored."""

    weights: dict[str, float] = Field(default_factory=dict)
    queries: dict[str, EntityExample] = Field(..., max_length=MAX_QUERIES)


def _values(example: EntityExample, props: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for prop in props:
        value = example.properties.get(prop, [])
        out.extend(str(v) for v in ([value] if isinstance(value, str) else value) if v)
    return out


def _screen_query(example: EntityExample, filters: Filters, cutoff: float,
                  limit: int) -> ScreenQuery:  # fmt: skip
    schema = model.get(example.schema_)
    if schema is None:
        raise BadInput(f"unknown schema {example.schema_!r}")
    names = _values(example, NAME_PROPS)
    if parts := _values(example, NAME_PARTS):
        names.append(" ".join(parts))
    if not names:
        raise BadInput("a query needs a name (properties.name, or firstName/lastName)")
    return ScreenQuery(names, schema.name, _values(example, DATE_PROPS),
                       _values(example, COUNTRY_PROPS), filters, cutoff, limit)  # fmt: skip


def _result(index: ScreenIndex, hit: Hit, threshold: float) -> dict[str, Any]:
    members = index.members(hit.target.target_id)
    properties: dict[str, list[str]] = {
        "name": list(dict.fromkeys(n for p in members for n in p.names)),
        "birthDate": sorted({d for p in members for d in p.birth_dates}),
        "country": hit.target.countries,
        "topics": ["sanction"],
        "program": hit.target.regimes,
    }
    return {"id": hit.target.target_id, "caption": hit.target.caption,
            "schema": hit.target.schema, "properties": properties,
            "datasets": hit.target.sources, "referents": hit.target.entry_keys,
            "target": True, "first_seen": None, "last_seen": None, "last_change": None,
            "score": round(hit.score, 4), "match": hit.score >= threshold,
            "features": {f.name: f.weight for f in hit.features},
            "explanations": [{"feature": f.name, **f.as_dict()}
                             for f in hit.features],
            "matched_name": hit.matched_name, "matched_entry": hit.matched_entry,
            "jurisdictions": hit.target.jurisdictions,
            "designations": hit.target.designations}  # fmt: skip


def _filters(dataset: str, include: list[str], exclude: list[str]) -> Filters:
    known = set(sources())
    if dataset not in ALL_DATASETS and dataset not in known:
        raise NotFound(f"no dataset {dataset!r} (use default, or one of {sorted(known)})")
    if bad := sorted((set(include) | set(exclude)) - known):
        raise BadInput(f"unknown dataset {bad[0]!r}")
    chosen = set(include) or ({dataset} if dataset in known else set())
    return Filters.make(sources=chosen, exclude_sources=exclude)


@router.post("/match/{dataset}")
def match_entities(
    dataset: str,
    body: EntityMatchQuery,
    store: Annotated[Store, Depends(store_dependency)],
    limit: Annotated[int, Query(ge=1, le=500)] = 5,
    threshold: Annotated[float, Query(ge=0.0, le=1.0)] = 0.7,
    cutoff: Annotated[float, Query(ge=0.0, le=1.0)] = 0.5,
    algorithm: str = "concord",
    include_dataset: Annotated[list[str] | None, Query()] = None,
    exclude_dataset: Annotated[list[str] | None, Query()] = None,
) -> dict[str, Any]:
    """Match entities by example against every current list (yente's `/match`). A value
    is at most 1,000 characters and a request at most 100 queries (422 beyond); queries
    not started within the deadline (`CONCORD_MATCH_DEADLINE`, 10 s) answer status 504.
    A plain `def`: FastAPI runs it in its thread pool, off the event loop."""
    try:
        filters = _filters(dataset, include_dataset or [], exclude_dataset or [])
        queries = {k: _screen_query(e, filters, cutoff, limit) for k, e in body.queries.items()}
        index = get_index(store)
        deadline = time.monotonic() + DEADLINE  # the index is built once per store state
        responses: dict[str, Any] = {}
        for key, query in queries.items():
            echo = body.queries[key].model_dump(by_alias=True)
            if time.monotonic() > deadline:
                responses[key] = {"status": 504, "results": [], "query": echo,
                                  "error": f"not started within {DEADLINE:g} s"}  # fmt: skip
                continue
            results = [_result(index, h, threshold) for h in screen(index, query)]
            responses[key] = {"status": 200, "results": results,
                              "total": {"value": len(results), "relation": "eq"},
                              "query": echo}  # fmt: skip
    except ConcordError as exc:
        raise HTTPException(exc.http_status, str(exc)) from None
    matcher = {k: {"description": v, "coefficient": 1.0, "url": ""} for k, v in MATCHER.items()}
    return {"responses": responses, "matcher": matcher, "limit": limit, "algorithm": algorithm}
