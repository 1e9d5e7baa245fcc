"""The yente-shaped `POST /match/{dataset}`, on its own app over the resolved store."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from concord.api.match import router, store_dependency
from concord.store import Store


@pytest.fixture(scope="module")
def client(resolved_store: Store) -> TestClient:
    app = FastAPI()
    app.include_router(router)
    app.dependency_overrides[store_dependency] = lambda: resolved_store
    return TestClient(app)


def _query(**properties: Any) -> dict[str, Any]:
    return {"queries": {"q1": {"schema": "Person", "properties": properties}}}


def test_a_yente_request_gets_a_yente_answer(client: TestClient) -> None:
    body = {"queries": {
        "chen": {"schema": "Person", "properties": {"name": ["Chen Quanguo"],
                                                     "birthDate": ["1955"]}},
        "bank": {"schema": "Company", "properties": {"name": "Bank Rossiya"}},
    }}  # fmt: skip
    answer = client.post("/match/default?limit=3", json=body)
    assert answer.status_code == 200
    data = answer.json()
    assert data["limit"] == 3 and set(data["matcher"]) >= {"name", "birth_date"}
    chen = data["responses"]["chen"]
    assert chen["status"] == 200 and chen["total"]["relation"] == "eq"
    assert chen["query"]["properties"]["name"] == ["Chen Quanguo"]
    top = chen["results"][0]
    assert top["match"] is True and top["score"] >= 0.9
    assert {"id", "caption", "schema", "properties", "datasets", "referents", "features"} <= set(
        top
    )
    assert "us-ofac:29220" in top["referents"] and "us-ofac" in top["datasets"]
    assert top["features"]["name"] == 3.0 and top["properties"]["topics"] == ["sanction"]
    assert all(r["schema"] != "Person" for r in data["responses"]["bank"]["results"])


def test_name_parts_dataset_and_limits(client: TestClient) -> None:
    answer = client.post("/match/ca-sema", json=_query(firstName=["Quanguo"], lastName=["Chen"]))
    results = answer.json()["responses"]["q1"]["results"]
    assert results and all(r["datasets"] for r in results)
    assert "ca-sema" in results[0]["datasets"]
    answer = client.post("/match/default?exclude_dataset=us-ofac&exclude_dataset=ca-sema",
                         json=_query(name="Chen Quanguo"))  # fmt: skip
    assert answer.status_code == 200


@pytest.mark.parametrize(
    ("path", "body", "status", "detail"),
    [("/match/nope", _query(name="A"), 404, "no dataset 'nope'"),
     ("/match/default", {"queries": {"q": {"schema": "Banana", "properties": {"name": "A"}}}},
      400, "unknown schema 'Banana'"),
     ("/match/default", _query(birthDate="1955"), 400, "a query needs a name"),
     ("/match/default?include_dataset=mars", _query(name="A"), 400, "unknown dataset 'mars'"),
     ("/match/default?limit=0", _query(name="A"), 422, None),
     ("/match/default", {"questions": {}}, 422, None)],
)  # fmt: skip
def test_bad_requests_get_4xx_json(client: TestClient, path: str, body: dict[str, Any],
                                   status: int, detail: str | None) -> None:  # fmt: skip
    answer = client.post(path, json=body)
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("application/json")
    if detail is not None:
        assert answer.json()["detail"].startswith(detail)
