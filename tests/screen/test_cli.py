"""The screening commands, through click's runner on the real resolved store."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from concord.cli.main import cli
from concord.store import Store
from tests.screen.stores import copy_store


def _run(store: Store, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--database", store.url, *args])
    return result.exit_code, result.stdout, result.stderr


def test_screen_one_name_as_json(resolved_store: Store) -> None:
    code, out, _ = _run(resolved_store, "screen", "陈全国", "--dob", "1955", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    # The US (CHEN, Quanguo) and Canadian (Quanguo Chen) spellings score alike: either.
    assert rows[0]["matched_name"] in ("CHEN, Quanguo", "Quanguo Chen")
    assert "birth_date" in rows[0]["explanation"]


def test_screen_with_filters_as_csv(resolved_store: Store) -> None:
    code, out, _ = _run(resolved_store, "screen", "Kadyrov", "--jurisdiction", "uk",
                        "--threshold", "0", "--limit", "3", "--format", "csv")  # fmt: skip
    rows = list(csv.DictReader(out.splitlines()))
    assert code == 0 and 1 <= len(rows) <= 3
    assert all("UK" in r["jurisdictions"].split() for r in rows)


def test_batch_command_prints_a_summary(resolved_store: Store, tmp_path: Path) -> None:
    source = tmp_path / "customers.csv"
    source.write_text("id,name,country\n1,Chen Quanguo,China\n2,Zebulon Quargstaff,\n")
    code, out, _ = _run(resolved_store, "screen", "--input", str(source), "--output",
                        str(tmp_path / "hits.jsonl"), "--workers", "1")  # fmt: skip
    assert code == 0
    assert "screened  2 records" in out and "alerts    1 hits for 1 of 2 records" in out
    hits = [json.loads(line) for line in (tmp_path / "hits.jsonl").read_text().splitlines()]
    assert [h["id"] for h in hits] == ["1"]


def test_bad_input_exits_2_with_one_line(resolved_store: Store, tmp_path: Path) -> None:
    source = tmp_path / "customers.csv"
    source.write_text("id,nom\n1,Chen Quanguo\n")
    code, _, err = _run(resolved_store, "screen", "--input", str(source), "--output",
                        str(tmp_path / "hits.csv"))  # fmt: skip
    assert code == 2
    assert err == "error: customers.csv: missing column 'name' (found: id, nom)\n"
    code, _, err = _run(resolved_store, "screen", "Putin", "--jurisdiction", "XX")
    assert code == 2 and err.startswith("error: unknown jurisdiction 'XX'")


def test_decide_then_rescreen_is_quiet(resolved_store: Store, tmp_path: Path) -> None:
    store = copy_store(resolved_store, tmp_path / "copy.sqlite")
    _, out, _ = _run(store, "screen", "Chen Quanguo", "--format", "json")
    target = json.loads(out)[0]["target_id"]
    code, _, _ = _run(store, "decide", "cust-7", target, "false-positive", "--note", "born 1990")
    assert code == 0
    _, out, err = _run(store, "screen", "Chen Quanguo", "--customer", "cust-7", "--format", "json")
    assert target not in {r["target_id"] for r in json.loads(out)}
    assert f"silenced by a false-positive decision for cust-7: {target}" in err
    _, out, _ = _run(store, "decisions", "--customer", "cust-7", "--format", "json")
    assert [(d["target_id"], d["verdict"], d["note"]) for d in json.loads(out)] == [
        (target, "false-positive", "born 1990")
    ]
