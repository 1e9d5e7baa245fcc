"""The analysis commands: thin wrappers printing tables, CSV and JSON (real store)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from concord.cli.main import cli


@pytest.fixture(scope="module")
def run(resolved_store):  # type: ignore[no-untyped-def]
    def invoke(*args: str) -> str:
        result = CliRunner().invoke(cli, ["--database", resolved_store.url, *args])
        assert result.exit_code == 0, result.output
        return result.output

    return invoke


def test_coverage_json_and_csv(run) -> None:  # type: ignore[no-untyped-def]
    rows = json.loads(run("coverage", "--format", "json"))
    assert rows and {"US", "UK", "CA", "EU", "AU", "UN", "entries"} <= set(rows[0])
    table = list(
        csv.DictReader(io.StringIO(run("coverage", "--regimes", "all", "--format", "csv")))
    )
    assert len(table) > len(rows)


def test_gaps_table_and_filters(run) -> None:  # type: ignore[no-untyped-def]
    out = run("gaps", "--designated-by", "US", "--missing", "UK,CA", "--target-country", "CN",
              "--since", "2020-01-01")  # fmt: skip
    assert "Gaps (Magnitsky-class)" in out and "│ CN " in out
    rows = json.loads(run("gaps", "--designated-by", "US", "--missing", "UK,CA",
                          "--target-country", "CN", "--format", "json"))  # fmt: skip
    assert {r["missing"] for r in rows} == {"UK", "CA"}
    assert all(r["country"] == "CN" and r["leader"] == "US" for r in rows)
    network = json.loads(run("gaps", "--designated-by", "US", "--missing", "AU", "--network",
                             "--format", "json"))  # fmt: skip
    assert network and all(r["missing"] == "AU" for r in network)


def test_gaps_refuses_a_jurisdiction_without_a_list(resolved_store) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["--database", resolved_store.url, "gaps",
                                      "--designated-by", "US", "--missing", "XX"])  # fmt: skip
    assert result.exit_code == 2 and "unknown jurisdiction" in result.output


def test_lags_alignment_timeline(run) -> None:  # type: ignore[no-untyped-def]
    found = json.loads(run("lags", "--leader", "US", "--follower", "UK", "--format", "json"))
    assert found["summary"]["cases"] == len(found["cases"]) > 0
    assert "median" in run("lags", "--leader", "US", "--follower", "UK")
    pairs = json.loads(run("alignment", "--grounds", "corruption", "--format", "json"))
    assert {r["ground"] for r in pairs} == {"corruption"}
    assert all(0 <= r["jaccard"] <= 1 for r in pairs)
    quarters = json.loads(run("timeline", "--format", "json"))
    assert any(r["quarter"] == "2022Q4" and r["jurisdiction"] == "US" for r in quarters)
