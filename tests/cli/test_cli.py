"""The commands print what the library returns (CliRunner, real store)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from concord.cli.main import cli
from concord.store import Store
from tests.conftest import BAD


def run(store: Store, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--database", store.url, *args])
    return result.exit_code, result.stdout, result.stderr


def test_sources_table_csv_json(mirror_store: Store) -> None:
    code, out, _ = run(mirror_store, "sources")
    assert code == 0 and "us-ofac" in out and "gb-ofsi" in out
    code, out, _ = run(mirror_store, "sources", "--format", "csv")
    rows = {r["source"]: r for r in csv.DictReader(io.StringIO(out))}
    # The entries of a source are those of its newest snapshot, whichever that is; the
    # named snapshots keep their own counts (4,759 on 2025-05-25, 5,090 on 2025-10-13).
    counts = {r["effective"]: r["entry_count"] for r in mirror_store.snapshot_rows("ca-sema")}
    assert counts[date(2025, 5, 25)] == 4759 and counts[date(2025, 10, 13)] == 5090
    assert rows["ca-sema"]["entries"] == str(counts[max(counts)])
    code, out, _ = run(mirror_store, "sources", "--format", "json")
    assert {r["source"] for r in json.loads(out)} >= {"us-ofac", "un-sc", "au-dfat"}


def test_entries_as_of(mirror_store: Store) -> None:
    code, out, _ = run(
        mirror_store,
        "entries",
        "--source",
        "us-ofac",
        "--regime",
        "US-GLOMAG",
        "--as-of",
        "2023-12-11",
        "--format",
        "csv",
    )
    assert code == 0
    assert len(list(csv.DictReader(io.StringIO(out)))) == 683


def test_entry_json(mirror_store: Store) -> None:
    code, out, _ = run(mirror_store, "entry", "us-ofac:23343", "--format", "json")
    detail = json.loads(out)
    assert code == 0 and {d["regime"] for d in detail["designations"]} >= {"US-GLOMAG"}


def test_unknown_entry_and_bad_options_are_one_line_errors(mirror_store: Store) -> None:
    code, _, err = run(mirror_store, "entry", "us-ofac:0")
    assert code == 3 and err.strip() == "error: no entry 'us-ofac:0' in the store"
    code, _, err = run(mirror_store, "entries", "--regime", "NOPE")
    assert code == 2 and "unknown regime key" in err
    code, _, err = run(mirror_store, "entries", "--as-of", "yesterday")
    assert code == 2 and "not a date" in err


def test_export_ftm_lines(mirror_store: Store) -> None:
    code, out, _ = run(mirror_store, "export", "--format", "ftm", "--source", "ca-sema")
    lines = out.splitlines()
    assert code == 0 and len(lines) > 4759
    assert all(json.loads(line)["schema"] for line in lines[:100])


def test_ingest_exit_code_says_something_was_refused(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'c.sqlite'}")
    code, out, err = run(
        store,
        "ingest",
        "--source",
        "us-ofac",
        "--date",
        "2024-05-04",
        str(BAD / "us-ofac-2024-05-04-empty-sdn.csv"),
    )
    assert code == 2
    assert "refused" in err and "us-ofac-2024-05-04-empty-sdn.csv" in err and "empty" in err
    assert "0 snapshots added" in out


def test_compare_a_file_of_name_pairs(tmp_path: Path, mirror_store: Store) -> None:
    # Hand-made pairs (names from the issue text), as an analyst would write them.
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "name1,name2,schema,dob1,dob2\n"
        "CHEN Quanguo,陈全国,Person,,\n"
        "Ali HASSAN,Ali HASSAN,Person,1965-04-29,1971-02-03\n",
        encoding="utf-8",
    )
    out = tmp_path / "scores.csv"
    code, stdout, _ = run(mirror_store, "compare", "--input", str(pairs), "--output", str(out))
    assert code == 0 and "2 pairs scored" in stdout
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert float(rows[0]["score"]) > float(rows[1]["score"])
    assert "birth_date -4.0" in rows[1]["explanation"] and rows[1]["merge"] == "False"
    code, _, err = run(mirror_store, "compare")
    assert code == 2 and "--input" in err
