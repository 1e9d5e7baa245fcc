"""The screening index written beside the store: built once per store state, loaded by every
later store instance and process, rebuilt when the store changes, safe to build at once.

Most tests use a store of the UN list of 2025-04-19 (real, and small enough to build in a
second or two); the change is a real one, the UN list of 2026-02-27. The results of a loaded
index are compared with a freshly built one on the whole resolved mirror.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from concord.ingest import ingest_files
from concord.resolve.profiles import load_profiles
from concord.resolve.run import resolve
from concord.screen import Filters, Query, build_index, get_index, persist, screen
from concord.screen.index import ScreenIndex
from concord.store import Store
from tests.screen.stores import copy_store

UN_FIRST = ("un-sc", date(2025, 4, 19), "un-sc/2025-04-19/consolidated.xml")
UN_LATER = ("un-sc", date(2026, 2, 27), "un-sc/2026-02-27/consolidated.xml")
# A child process: the store's index as it finds it (loaded or built), and what it answers.
CHILD = """
import json, sys
import numpy as np
from concord.screen import Query, get_index, screen
from concord.store import Store
index = get_index(Store(sys.argv[1]))
hits = [[(h.target.target_id, h.score, h.explanation()) for h in screen(index, Query([n]))]
        for n in json.loads(sys.argv[2])]
print(json.dumps({"loaded": isinstance(index.entry_target, np.memmap), "hits": hits}))
"""


@pytest.fixture(scope="module")
def un_store(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> Store:
    """A resolved store of one UN list (never screened itself: tests screen copies)."""
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('un') / 'un.sqlite'}")
    source, observed, path = UN_FIRST
    ingest_files(store, source, observed, [mirror / path])
    resolve(store)
    return store


def _copy(un_store: Store, tmp_path: Path) -> Store:
    return copy_store(un_store, tmp_path / "un.sqlite")


def _names(index: ScreenIndex, count: int = 12) -> list[str]:
    """Names the lists give (every 97th entry's) and one near miss."""
    listed = [index.profiles[i].caption for i in range(0, index.size, 97)][:count]
    return [*listed, "Kim Jong"]


def _answers(index: ScreenIndex, names: list[str]) -> list[list[tuple[str, float, str]]]:
    return [[(h.target.target_id, h.score, h.explanation()) for h in screen(index, Query([n]))]
            for n in names]  # fmt: skip


def _folders(store: Store) -> list[str]:
    home = persist.home(store)
    assert home is not None
    return sorted(p.name for p in home.iterdir() if p.is_dir())


def _child(store: Store, names: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", CHILD, store.url, json.dumps(names)],
                            stdout=subprocess.PIPE, text=True)  # fmt: skip


def _result(process: subprocess.Popen[str]) -> dict[str, object]:
    out, _ = process.communicate(timeout=300)
    assert process.returncode == 0
    data: dict[str, object] = json.loads(out)
    return data


def test_built_once_then_loaded_by_another_store_instance(un_store: Store, tmp_path: Path) -> None:
    store = _copy(un_store, tmp_path)
    built = get_index(store)
    assert not isinstance(built.entry_target, np.memmap)
    assert _folders(store) == [persist.stamp(store)]
    meta = persist.home(store) / persist.stamp(store) / "meta.json"  # type: ignore[operator]
    written = meta.stat().st_mtime_ns
    loaded = get_index(Store(store.url))
    assert isinstance(loaded.entry_target, np.memmap)
    assert meta.stat().st_mtime_ns == written  # read, not written again
    names = _names(built)
    assert _answers(loaded, names) == _answers(built, names)


def test_a_new_process_loads_the_index(un_store: Store, tmp_path: Path) -> None:
    store = _copy(un_store, tmp_path)
    index = get_index(store)
    names = _names(index)
    found = _result(_child(store, names))
    assert found["loaded"] is True
    assert found["hits"] == json.loads(json.dumps(_answers(index, names)))


def test_rebuilt_when_the_store_changes_and_the_stale_index_removed(
    un_store: Store, tmp_path: Path, mirror: Path
) -> None:
    store = _copy(un_store, tmp_path)
    before = get_index(store)
    old = _folders(store)
    source, observed, path = UN_LATER
    ingest_files(store, source, observed, [mirror / path])
    resolve(store)
    after = get_index(Store(store.url))  # a new instance: nothing cached in memory
    assert not isinstance(after.entry_target, np.memmap)  # built: the old one is stale
    assert after.state != before.state
    assert _folders(store) == [persist.stamp(store)] != old
    with store.read() as conn:
        assert after.state == Store.state(conn)


def test_two_processes_building_at_once_both_get_the_whole_index(
    un_store: Store, tmp_path: Path
) -> None:
    store = _copy(un_store, tmp_path)
    expected = build_index(store)  # in memory: nothing written
    assert persist.home(store) is None or not persist.home(store).exists()  # type: ignore[union-attr]
    names = _names(expected)
    first, second = _child(store, names), _child(store, names)
    results = [_result(first), _result(second)]
    # One built it while the other waited, then read it.
    assert sorted(bool(r["loaded"]) for r in results) == [False, True]
    want = json.loads(json.dumps(_answers(expected, names)))
    assert all(r["hits"] == want for r in results)
    assert _folders(store) == [persist.stamp(store)]  # no temporary folder left


def test_a_broken_or_unfinished_index_is_never_read(un_store: Store, tmp_path: Path) -> None:
    """Hand-made damage no real run leaves: a missing array, and a builder's folder."""
    store = _copy(un_store, tmp_path)
    index = get_index(store)
    home = persist.home(store)
    assert home is not None
    folder = home / persist.stamp(store)
    (folder / "keys_ids.npy").unlink()
    unfinished = home / f"{persist.TEMP}someone-else"
    unfinished.mkdir()
    (unfinished / "meta.json").write_text("{")
    again = get_index(Store(store.url))
    assert not isinstance(again.entry_target, np.memmap)  # built again, not read
    assert (folder / "keys_ids.npy").is_file()  # and written whole
    assert unfinished.is_dir()  # a live builder's folder is left alone
    names = _names(index)
    assert _answers(again, names) == _answers(index, names)
    assert isinstance(get_index(Store(store.url)).entry_target, np.memmap)


def test_an_in_memory_store_keeps_its_index_in_memory() -> None:
    assert persist.home(Store("sqlite://")) is None


@pytest.mark.postgres
def test_a_postgresql_store_keeps_its_index_in_the_user_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, mirror: Path, pg_url: str
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    store = Store(pg_url)
    source, observed, path = UN_FIRST
    ingest_files(store, source, observed, [mirror / path])
    resolve(store)
    built = get_index(store)
    home = persist.home(store)
    assert home is not None and home.parent == tmp_path / "concord" / "screen-index"
    assert _folders(store) == [persist.stamp(store)]
    loaded = get_index(Store(store.url))
    assert isinstance(loaded.entry_target, np.memmap)
    assert _answers(loaded, _names(built)) == _answers(built, _names(built))
    store.dispose()


def test_loaded_index_answers_as_a_fresh_build_on_the_whole_mirror(
    resolved_store: Store,
) -> None:
    fresh = build_index(resolved_store)
    get_index(resolved_store)  # written beside the store, if not yet
    loaded = get_index(Store(resolved_store.url))
    assert isinstance(loaded.entry_target, np.memmap)
    queries = [Query(["Ramzan Kadyrov"]), Query(["Chen Quanguo"], birth_dates=["1955-11"]),
               Query(["陈全国"]), Query(["Путин Владимир"], "Person"),
               Query(["Maria Garcia"], threshold=0.0, limit=10),
               Query(["Ali Hassan"], countries=["Iraq"]),
               Query(["Kadyrov"], filters=Filters.make(jurisdictions=["UK"], grounds=[
                   "human_rights"]), threshold=0.0),
               Query(["Rosneft"], "Company", filters=Filters(exclude_sources=frozenset({
                   "us-ofac"})))]  # fmt: skip
    for query in queries:
        a, b = screen(fresh, query), screen(loaded, query)
        assert [h.as_dict() for h in a] == [h.as_dict() for h in b]
        assert [h.features for h in a] == [h.features for h in b]
    # The entries are the resolver's own profiles, as it reads them from the store.
    keys = [loaded.profiles[i].entry_key for i in range(0, loaded.size, 251)]
    listed = {p.entry_key: p for p in load_profiles(resolved_store, keys=set(keys))}
    assert all(loaded.profiles[loaded.entry_index[k]] == listed[k] for k in keys)
