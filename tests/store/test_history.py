"""History per designation (entry + regime), recovered from the dated series of snapshots."""

from __future__ import annotations

import json
from datetime import date, datetime

import sqlalchemy as sa

from concord.store import Store
from concord.store.queries import designations, entry_detail, entry_rows, export_entities
from concord.store.statement_table import statements
from tests.conftest import REFERENCE


def _names_on(store: Store, day: date) -> dict[str, set[str]]:
    """The primary names each US entry had in the snapshot of `day`."""
    query = sa.select(statements.c.entry_key, statements.c.value).where(
        statements.c.source == "us-ofac",
        statements.c.prop == "name",
        statements.c.schema != "Sanction",
        statements.c.first_seen <= day,
        sa.or_(statements.c.last_seen.is_(None), statements.c.last_seen >= day),
    )
    out: dict[str, set[str]] = {}
    with store.read() as conn:
        for key, value in conn.execute(query):
            out.setdefault(key, set()).add(value)
    return out


def _by_regime(store: Store, key: str) -> dict[str | None, object]:
    return {d.regime: d for d in designations(store, source="us-ofac") if d.entry_key == key}


def test_a_programme_tag_added_to_an_old_entry_has_its_own_history(mirror_store: Store) -> None:
    # ent 23343 (KADYROV) is MAGNIT only in the 2020-06-11 snapshot and MAGNIT + GLOMAG in
    # the next one, 2021-01-14 (OFAC designated him under GLOMAG on 2020-12-10).
    found = _by_regime(mirror_store, "us-ofac:23343")
    glomag, magnit = found["US-GLOMAG"], found["US-MAGNITSKY"]
    assert str(glomag.listed) == "after 2020-06-11, on or before 2021-01-14"  # type: ignore[attr-defined]
    assert str(magnit.listed) == "after 2015-01-17, on or before 2018-01-28"  # type: ignore[attr-defined]


def test_recovered_intervals_bracket_the_true_2013_2017_dates(mirror_store: Store) -> None:
    reference = json.loads((REFERENCE / "us-ofac-dated-2018" / "entries.json").read_text())
    magnitsky = {"US-GLOMAG", "US-MAGNITSKY"}
    as_of_2018 = [
        d
        for d in designations(mirror_store, source="us-ofac", as_of=date(2018, 1, 28))
        if d.regime in magnitsky
    ]
    names = _names_on(mirror_store, date(2018, 1, 28))
    assert len({d.entry_key for d in as_of_2018}) == 101
    checked = 0
    for d in as_of_2018:
        [ref] = [reference[n] for n in names[d.entry_key] if n in reference]
        true = min(datetime.strptime(p["date"], "%m/%d/%Y").date() for p in ref["pr_data"])
        assert d.listed.until >= true, (d.entry_key, str(d.listed), true)
        assert d.listed.after is None or d.listed.after < true, (d.entry_key, str(d.listed))
        checked += 1
    assert checked == 101


def test_daily_snapshots_give_day_exact_dates_for_most_2021_2024_designations(
    mirror_store: Store,
) -> None:
    recent = [
        d
        for d in designations(mirror_store, source="us-ofac")
        if d.regime in {"US-GLOMAG", "US-MAGNITSKY"}
        and d.listed.after is not None
        and d.listed.after >= date(2021, 8, 18)
    ]
    narrow = [d for d in recent if (d.listed.days or 99) <= 4]
    assert len(recent) > 300
    assert len(narrow) / len(recent) > 0.8


def test_as_of_selects_the_snapshot_of_that_day(mirror_store: Store) -> None:
    rows = entry_rows(mirror_store, source="us-ofac", regime="US-GLOMAG", as_of=date(2023, 12, 11))
    assert len(rows) == 683  # GLOMAG entries of the 2023-12-11 sdn.csv (PROVENANCE.md)
    rows = entry_rows(mirror_store, source="us-ofac", regime="US-GLOMAG", as_of=date(2024, 5, 3))
    assert len(rows) == 694


def test_entry_detail_names_first_last_seen_and_file(mirror_store: Store) -> None:
    detail = entry_detail(mirror_store, "us-ofac:23343")
    names = [s for s in detail["statements"] if s["prop"] == "name"]
    assert names and all(s["file"] and "us-ofac" in s["file"] for s in names)
    assert detail["first_seen"] == "2018-01-28"


def test_export_is_valid_followthemoney(mirror_store: Store) -> None:
    from followthemoney import model

    count = 0
    schemata = set()
    for data in export_entities(mirror_store):
        proxy = model.get_proxy(data, cleaned=False)  # cleans: an invalid value is dropped
        for prop, values in data["properties"].items():
            assert proxy.schema.get(prop) is not None, (data["id"], prop)
            assert len(proxy.get(prop)) == len(values), (data["id"], prop, values)
        schemata.add(proxy.schema.name)
        count += 1
    assert count > 40000
    assert {"Person", "Organization", "Vessel", "Sanction"} <= schemata
