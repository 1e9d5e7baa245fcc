"""The resolution evaluation set (bench/resolve_eval/pairs.csv).

The file must hold entry keys, labels and evidence codes only (no list content), meet the
size goals of the "resolve the same target across lists" issue, and every key must be a
present entry of a store built from the real mirror.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "bench" / "resolve_eval"

# Every note is made of these field-name phrases, so no name, date or number can leak in.
NOTE_PARTS = [
    r"ID number equal",
    r"\d+ identifier numbers equal",
    r"passport number equal",
    r"Sanction\.unscId equal",
    r"imoNumber equal",
    r"registration number equal",
    r"name equal after folding( \(3\+ tokens\))?",
    r"alias equal after folding",
    r"name or alias equal after folding \(Canada\)",
    r"name tokens matched \d+ \(\d+% of shorter\)",
    r"name tokens matched \d+ \(all of shorter, near-equal spellings\)",
    r"first and last name equal, patronymic differs",
    r"birthDate equal \((day|partial)\)",
    r"birthDate missing on one side",
    r"no birthDate",
    r"birthDate same year, day differs",
    r"birthDate year agrees \(partial on one side\)",
    r"birthDate years differ by >= \d+",
    r"birthPlace differs",
    r"nationality (overlaps|differs)",
    r"schedule differs",
    r"two entries of one list",
    r"label set by reviewer",
    r"proposed by [a-z+-]+ with the other label",
    r"hard:[a-z-]+",
]
NOTE_RE = re.compile("|".join(f"(?:{p})" for p in NOTE_PARTS))
KEY_RE = re.compile(r"^(us-ofac|gb-ofsi|ca-sema|au-dfat|un-sc):\S.*$")


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
    return check.read_pairs(EVAL / "pairs.csv")  # type: ignore[no-any-return]


def test_rows_hold_keys_labels_and_field_names_only(rows: list[dict[str, str]]) -> None:
    for r in rows:
        assert KEY_RE.match(r["key_a"]) and KEY_RE.match(r["key_b"]), r
        assert r["label"] in check.LABELS
        assert set(r["evidence"].split(";")) <= check.EVIDENCE, r
        for part in r["note"].split("; "):
            assert NOTE_RE.fullmatch(part), f"note part is not a field-name phrase: {part!r}"


def test_set_meets_the_issue_goals(rows: list[dict[str, str]]) -> None:
    people = [r for r in rows if r["schema"] == "Person"]
    same = [r for r in people if r["label"] == "same"]
    different = [r for r in people if r["label"] == "different"]
    assert len(same) >= 300
    assert len(different) >= 100
    by_source_pair = Counter(check.source_pair(r) for r in same)
    assert sum(1 for n in by_source_pair.values() if n >= 20) >= 4
    assert any(check.source_pair(r) == "ca-sema~ca-sema" for r in same)
    schemas = Counter(r["schema"] for r in rows if r["label"] == "same")
    assert schemas["Organization"] > 0 and schemas["Vessel"] > 0
    hard = Counter(p for r in same for p in r["note"].split("; ") if p.startswith("hard:"))
    for tag in ("hard:translit", "hard:word-order", "hard:partial-dob", "hard:name-variant"):
        assert hard[tag] > 0, tag


def test_no_negative_is_joined_by_positives(rows: list[dict[str, str]]) -> None:
    assert check._contradictions(rows) == []


def test_every_key_is_a_present_entry_of_the_mirror_store(mirror_store) -> None:  # type: ignore[no-untyped-def]
    url: str = mirror_store.url
    if not url.startswith("sqlite:///"):
        pytest.skip("the check reads a SQLite store")
    problems = check.check(EVAL / "pairs.csv", Path(url.removeprefix("sqlite:///")))
    assert problems == []
