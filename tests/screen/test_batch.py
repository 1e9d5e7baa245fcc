"""Batch screening: CSV, JSON lines and Parquet in and out, resume, bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from concord.errors import BadInput
from concord.screen import BatchOptions, get_index, screen_file
from concord.screen.files import read_records
from concord.store import Store


def _records(store: Store, count: int) -> list[dict[str, str]]:
    """Customer records named as the lists name people and bodies, plus unlisted names."""
    index = get_index(store)
    listed = [p.caption for p in index.profiles[: count - 2]]
    names = [*listed, "Zebulon Quargstaff", "Wilhelmina Oberndorfer-Vasquez"]
    return [{"id": f"c{n}", "name": name} for n, name in enumerate(names)]


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(records[0]))
            writer.writeheader()
            writer.writerows(records)
    elif path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    else:
        pq.write_table(pa.Table.from_pylist(records), path)
    return path


def _read(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text().splitlines()]
    return list(pq.read_table(path).to_pylist())


@pytest.mark.parametrize(("source", "output"), [(".csv", ".csv"), (".jsonl", ".parquet"),
                                                (".parquet", ".jsonl")])  # fmt: skip
def test_formats_in_and_out(
    resolved_store: Store, tmp_path: Path, source: str, output: str
) -> None:
    records = _records(resolved_store, 40)
    out = tmp_path / f"hits{output}"
    report = screen_file(resolved_store, _write(tmp_path / f"in{source}", records), out,
                         BatchOptions(workers=1))  # fmt: skip
    rows = _read(out)
    assert report.records == 40 and report.hits == len(rows)
    assert {r["id"] for r in rows} >= {f"c{n}" for n in range(38)}  # each listed name hits
    assert not {"c38", "c39"} & {r["id"] for r in rows}
    first = next(r for r in rows if r["id"] == "c0")
    assert first["target_id"].startswith("ct-") and first["explanation"].startswith("prior")
    assert first["jurisdictions"] and float(first["score"]) >= 0.7


def test_two_workers_give_the_same_hits_as_one(resolved_store: Store, tmp_path: Path) -> None:
    source = _write(tmp_path / "in.csv", _records(resolved_store, 250))
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    screen_file(resolved_store, source, one, BatchOptions(workers=1))
    report = screen_file(resolved_store, source, two, BatchOptions(workers=2))
    assert report.workers == 2
    assert _read(one) == _read(two)


class Stop(Exception):
    """Raised from the progress callback: the run is cut as a kill would cut it."""


def test_an_interrupted_run_resumes(resolved_store: Store, tmp_path: Path) -> None:
    source = _write(tmp_path / "in.csv", _records(resolved_store, 250))
    whole, cut = tmp_path / "whole.csv", tmp_path / "cut.csv"
    screen_file(resolved_store, source, whole, BatchOptions(workers=1))

    def stop(done: int, total: int) -> None:
        if done >= 100:
            raise Stop

    with pytest.raises(Stop):
        screen_file(resolved_store, source, cut, BatchOptions(workers=1), stop)
    partial = tmp_path / "cut.csv.partial"
    assert partial.exists()
    with partial.open("a") as handle:
        handle.write('{"ids": ["c101"], "hits": [')  # a torn last line, as a kill leaves it
    report = screen_file(resolved_store, source, cut, BatchOptions(workers=1))
    assert (report.resumed, report.screened) == (100, 150)
    assert not partial.exists()
    assert _read(cut) == _read(whole)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("empty.csv", b"", "file is empty"),
     ("noname.csv", b"id,nom\n1,Chen Quanguo\n", "missing column 'name' (found: id, nom)"),
     ("latin1.csv", "id,name\n1,José Müller\n".encode("latin-1"), "not UTF-8 text"),
     ("header.csv", b"id,name\n", "no records"),
     ("blank.csv", b"id,name\n1,\n", "record 1 has no name"),
     ("twice.csv", b"id,name\n1,A B\n1,C D\n", "record 2 repeats id '1'"),
     ("bad.jsonl", b'{"id": 1, "name": "A"}\nnot json\n', "line 2 is not JSON"),
     ("bad.parquet", b"PAR1 this is not parquet", "not a readable Parquet file"),
     ("names.txt", b"id,name\n1,A\n", "unknown file type")],
)  # fmt: skip
def test_bad_input_is_refused_with_one_message(tmp_path: Path, name: str, content: bytes,
                                               message: str) -> None:  # fmt: skip
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(BadInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_records(path)


@pytest.mark.parametrize(
    ("row", "message"),
    [("1,Chen Quanguo,Atlantis,", "record 1: unknown country 'Atlantis'"),
     ("1,Chen Quanguo,,Address", "record 1: cannot screen schema 'Address'")],
)  # fmt: skip
def test_bad_records_stop_before_screening(resolved_store: Store, tmp_path: Path, row: str,
                                           message: str) -> None:  # fmt: skip
    source = tmp_path / "in.csv"
    source.write_text(f"id,name,country,schema\n{row}\n")
    with pytest.raises(BadInput, match=message):
        screen_file(resolved_store, source, tmp_path / "out.csv", BatchOptions(workers=1))
    assert not (tmp_path / "out.csv.partial").exists()
