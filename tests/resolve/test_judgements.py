"""Judgements win over scores, survive re-ingest and re-resolution, and travel as files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from concord.cli.main import cli
from concord.errors import BadInput
from concord.ingest import ingest_files
from concord.resolve import judgements
from concord.resolve.run import resolve, target
from concord.store import Store
from tests.conftest import MIRROR

CA = MIRROR / "ca-sema"


@pytest.fixture(scope="module")
def canada(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('ca') / 'ca.sqlite'}")
    ingest_files(store, "ca-sema", date(2022, 5, 11), [CA / "2022-05-11" / "sema-lmes.xml"])
    return store


def _together(store: Store, a: str, b: str) -> bool:
    return b in {e["entry_key"] for e in target(store, a)["entries"]}


def test_same_and_different_win_over_the_score(canada: Store) -> None:
    # MADURO is listed under JVCFOR and under Venezuela with no date of birth: the resolver
    # joins them on his distinctive full name; a person's verdict overrides it both ways.
    maduro = ("ca-sema:JVCFOR:1", "ca-sema:Venezuela:1")
    resolve(canada)
    assert _together(canada, *maduro)
    judgements.record(canada, [judgements.make(*maduro, "different", "test", by="t")])
    resolve(canada)
    assert not _together(canada, *maduro)
    judgements.record(canada, [judgements.make(*maduro, "same", "changed mind", by="t")])
    resolve(canada)
    assert _together(canada, *maduro)


def test_judgements_survive_a_new_snapshot(canada: Store) -> None:
    maduro = ("ca-sema:JVCFOR:1", "ca-sema:Venezuela:1")
    judgements.record(canada, [judgements.make(*maduro, "same", by="t")])
    ingest_files(canada, "ca-sema", date(2025, 5, 25), [CA / "2025-05-25" / "sema-lmes.xml"])
    resolve(canada)
    assert _together(canada, *maduro)


def test_export_import_round_trip(canada: Store, tmp_path: Path) -> None:
    lines = list(judgements.export_lines(canada))
    other = Store(f"sqlite:///{tmp_path / 'other.sqlite'}")
    assert judgements.import_lines(other, lines) == len(lines) > 0
    assert judgements.import_lines(other, lines) == 0  # held already
    assert judgements.current(other) == judgements.current(canada)


def test_bad_judgements_are_refused(canada: Store) -> None:
    with pytest.raises(BadInput, match="line 1"):
        judgements.parse_lines(['{"key_a": "x"}'])
    with pytest.raises(BadInput, match="verdict"):
        judgements.make("ca-sema:JVCFOR:1", "ca-sema:JVCFOR:2", "maybe")
    result = CliRunner().invoke(cli, ["--database", canada.url, "judge", "ca-sema:JVCFOR:1",
                                      "ca-sema:NOPE:9", "same"])  # fmt: skip
    assert result.exit_code == 3 and "no entry 'ca-sema:NOPE:9'" in result.stderr


def test_review_asks_and_records(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'r.sqlite'}")
    ingest_files(store, "ca-sema", date(2022, 5, 11), [CA / "2022-05-11" / "sema-lmes.xml"])
    resolve(store)
    listed = CliRunner().invoke(cli, ["--database", store.url, "review", "--list",
                                      "--format", "json", "--limit", "500"])  # fmt: skip
    assert listed.exit_code == 0
    import json

    queue = json.loads(listed.stdout)
    assert queue and all(q["decision"] in ("possible", "refused") for q in queue)
    # Answer "same" to the first pair, then quit.
    answered = CliRunner().invoke(cli, ["--database", store.url, "review", "--by", "t"],
                                  input="s\nq\n")  # fmt: skip
    assert answered.exit_code == 0 and "1 judgements recorded" in answered.stdout
    [judged] = judgements.current(store).values()
    assert judged.verdict == "same" and judged.author == "t"
    assert {judged.key_a, judged.key_b} == {queue[0]["a"], queue[0]["b"]}
