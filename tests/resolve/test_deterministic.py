"""The same files give the same targets: a profile does not depend on the order in which the
store returns an entry's values (two ingests of the same snapshots wrote the UK's names of
United Aircraft Corporation in different orders, and the pair with the US entry scored
0.73 in one store and 0.50 in the other)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from concord.ingest import ingest_files
from concord.resolve.profiles import Profile, _apply, finish, load_profiles, to_record
from concord.store import Store
from concord.store.values import current_values
from tests.conftest import MIRROR


def test_a_profile_is_the_same_whatever_the_order_of_its_values(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'uk.sqlite'}")
    ingest_files(store, "gb-ofsi", date(2022, 5, 4), [MIRROR / "gb-ofsi/2022-05-04/ConList.xlsx"])
    loaded = {p.entry_key: p for p in load_profiles(store)}
    values = list(current_values(store))
    by_key: dict[str, list[tuple[str, str, str]]] = {}
    for v in values:
        by_key.setdefault(v.entry_key, []).append((v.prop, v.value, v.schema))
    many = [k for k, vs in by_key.items() if k in loaded and len(vs) > 20]
    assert len(many) > 100  # entries with several names, dates and addresses
    for key in many:
        p = loaded[key]
        again = Profile(p.entry_key, p.source, p.entity_id, p.schema, p.caption, present=True)
        for prop, value, schema in reversed(by_key[key]):  # the opposite order
            _apply(again, prop, value, schema)
        assert to_record(finish(again)) == to_record(p), key
        assert p.names[0] == p.caption  # the list's own name first
