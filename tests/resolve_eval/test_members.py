"""The labels of records pulled into checked targets (bench/resolve_eval/members.csv).

A row says whether a record the resolver put into a checked target (a target holding a key
of pairs.csv) is the same real-world target as its anchor, a checked key of that target.
Like pairs.csv, the file holds entry keys, labels, evidence codes and field-name phrases
only: no name, date or number of any list can appear in it.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from concord.resolve.evaluate import gold_clusters, read_pairs

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "bench" / "resolve_eval"
COLUMNS = ["anchor", "key", "label", "evidence", "note"]
KEY_RE = re.compile(r"^(us-ofac|gb-ofsi|ca-sema|au-dfat|un-sc):\S.*$")
# Every note is made of these field-name phrases, so no list content can leak in.
NOTE_PARTS = [
    r"label set by reviewer",
    r"ID number equal( \(too short for the rules\))?",
    r"\d+ identifier numbers equal",
    r"passport number equal",
    r"Sanction\.unscId equal",
    r"imoNumber equal",
    r"registration number equal",
    r"(name|alias) equal after folding",
    r"name or alias equal after folding \(Canada\)",
    r"name tokens matched \d+ \(\d+% of shorter\)",
    r"name tokens matched \d+ \(all of shorter, near-equal spellings\)",
    r"first name differs",
    r"organisation name differs in a place word",
    r"birthDate equal \((day|partial)\)",
    r"birthDate missing on one side",
    r"no birthDate",
    r"birthDate same year, day differs",
    r"birthDate year agrees \(partial on one side\)",
    r"birthDate years differ by >= \d+",
    r"birthDate of the other person given as an alternative",
    r"birthPlace overlaps",
    r"nationality (overlaps|differs)",
    r"position / notes share wording",
    r"position differs",
    r"address overlaps",
    r"schedule differs",
    r"two entries of one list",
    r"listed as a separate entry by other lists",
    r"corroborated through another pulled-in member",
    r"labelled different from another member of its target in pairs\.csv",
]
NOTE_RE = re.compile("|".join(f"(?:{p})" for p in NOTE_PARTS))


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"resolve_eval_{name}", EVAL / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


check = _load("check")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with (EVAL / "members.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COLUMNS
        return list(reader)


@pytest.fixture(scope="module")
def gold() -> dict[str, frozenset[str]]:
    return gold_clusters(read_pairs(EVAL / "pairs.csv"))


def test_rows_hold_keys_labels_and_field_names_only(rows: list[dict[str, str]]) -> None:
    assert rows
    for r in rows:
        assert KEY_RE.match(r["anchor"]) and KEY_RE.match(r["key"]), r
        assert r["label"] in ("same", "different"), r
        assert set(r["evidence"].split(";")) <= check.EVIDENCE, r
        for part in r["note"].split("; "):
            assert NOTE_RE.fullmatch(part), f"note part is not a field-name phrase: {part!r}"


def test_reviewer_rows_say_so_and_rules_only_say_same(rows: list[dict[str, str]]) -> None:
    for r in rows:
        by_reviewer = r["evidence"] == "reviewer"
        assert by_reviewer == ("label set by reviewer" in r["note"].split("; ")), r
        assert by_reviewer or r["label"] == "same", r


def test_no_row_repeats(rows: list[dict[str, str]]) -> None:
    assert [k for k, n in Counter(r["key"] for r in rows).items() if n > 1] == []


def test_anchors_are_checked_keys_and_records_lie_outside_their_clusters(
    rows: list[dict[str, str]], gold: dict[str, frozenset[str]]
) -> None:
    for r in rows:
        assert r["anchor"] in gold, f"anchor is not a key of a same pair: {r}"
        assert r["key"] not in gold[r["anchor"]], f"record is in its anchor's cluster: {r}"


def test_labels_cover_the_pulled_in_records_of_the_resolved_mirror(
    resolved_store,  # type: ignore[no-untyped-def]
    rows: list[dict[str, str]],
    gold: dict[str, frozenset[str]],
) -> None:
    url: str = resolved_store.url
    if not url.startswith("sqlite:///"):
        pytest.skip("the bench reads a SQLite store")
    store_path = Path(url.removeprefix("sqlite:///"))
    pulled_mod = _load("pulled")
    target, merged = pulled_mod.read_targets(store_path)
    pulled = pulled_mod.find_pulled(target, merged, gold)
    assert pulled
    for p in pulled:
        assert target[p.anchor] == target[p.key] and p.key not in gold[p.anchor]
    pulled_mod.label(
        pulled, pulled_mod.load(store_path, delisted=True), read_pairs(EVAL / "pairs.csv")
    )
    for row in pulled_mod.rows(p for p in pulled if p.label):
        assert set(row["evidence"].split(";")) <= check.EVIDENCE
        assert all(NOTE_RE.fullmatch(part) for part in row["note"].split("; ")), row
    # The file is stale when the resolver pulls in many records it does not decide:
    # rerun `pulled.py --write-members` and review what `--show` prints.
    decided = {r["key"] for r in rows}
    covered = sum(p.key in decided for p in pulled) / len(pulled)
    assert covered >= 0.9, f"members.csv decides only {covered:.0%} of the pulled-in records"
