"""Screening single names against the whole resolved mirror."""

from __future__ import annotations

import pytest

from concord.errors import BadInput
from concord.screen import Filters, Query, get_index, screen
from concord.store import Store


def _targets(store: Store, query: Query) -> list[str]:
    return [h.target.target_id for h in screen(get_index(store), query)]


def _target_of(store: Store, entry_key: str) -> str:
    index = get_index(store)
    return index.targets[int(index.entry_target[index.entry_index[entry_key]])].target_id


def test_index_is_built_once_per_store_state(resolved_store: Store) -> None:
    assert get_index(resolved_store) is get_index(resolved_store)
    assert get_index(resolved_store).size > 20_000


def test_one_lists_spelling_finds_the_target_through_the_other_lists(
    resolved_store: Store,
) -> None:
    """Each multi-list target's primary name in one list, with that list held out, finds the
    target among the first five through the other lists' spellings."""
    index = get_index(resolved_store)
    cases = []
    for position, target in enumerate(index.targets):
        if len(target.sources) >= 2 and len(cases) < 300:
            entry = index.profiles[index.target_entries[position][0]]
            cases.append((entry.caption, entry.schema, target.target_id, entry.source))
    found = 0
    for name, schema, expected, source in cases:
        held_out = Filters(exclude_sources=frozenset({source}))
        found += expected in _targets(resolved_store, Query([name], schema, filters=held_out,
                                                             threshold=0.0))  # fmt: skip
    assert found / len(cases) >= 0.97


def test_chinese_and_cyrillic_queries_find_latin_entries(resolved_store: Store) -> None:
    us_only = Filters(sources=frozenset({"us-ofac"}))  # the US list writes Latin letters only
    chen = screen(get_index(resolved_store), Query(["陈全国"], filters=us_only))
    assert chen[0].target.target_id == _target_of(resolved_store, "us-ofac:29220")
    assert chen[0].matched_name == "CHEN, Quanguo"
    putin = screen(get_index(resolved_store), Query(["Путин Владимир"], "Person", filters=us_only))
    assert "putin" in putin[0].matched_name.lower()
    assert putin[0].score >= 0.7


def test_results_are_targets_with_their_designations_and_explanation(
    resolved_store: Store,
) -> None:
    hit = screen(get_index(resolved_store), Query(["Chen Quanguo"]))[0]
    row = hit.as_dict()
    assert {"us-ofac:29220"} <= set(row["entries"].split())
    assert "US" in row["jurisdictions"] and "US-GLOMAG" in row["regimes"]
    assert "human_rights" in row["grounds"]
    assert row["explanation"].startswith("prior -1.0") and "name +3.0" in row["explanation"]


def test_date_of_birth_and_country_weigh_in(resolved_store: Store) -> None:
    index = get_index(resolved_store)
    plain = screen(index, Query(["Chen Quanguo"]))[0]
    same = screen(index, Query(["Chen Quanguo"], birth_dates=["1955-11"], countries=["China"]))[0]
    other = screen(index, Query(["Chen Quanguo"], birth_dates=["1990"], threshold=0.0))[0]
    assert same.score > plain.score > other.score
    # Canada's 2025-10-13 entry gives the month of birth (1955-11) but no country: the
    # target's US entry gives China, and the country still weighs in.
    assert same.matched_entry == "ca-sema:China:P1:5"
    assert {f.name for f in same.features} >= {"birth_date", "country"}
    assert any(f.name == "birth_date" and f.weight < 0 for f in other.features)


def test_filters(resolved_store: Store) -> None:
    index = get_index(resolved_store)
    choices = [
        Filters.make(jurisdictions=["UK"]),
        Filters.make(regimes=["US-GLOMAG"]),
        Filters.make(grounds=["human_rights"]),
        Filters.make(countries=["Russia"]),
    ]
    # One name for one jurisdiction: UK everywhere, GB accepted as input.
    assert Filters.make(jurisdictions=["gb"]).jurisdictions == {"UK"}
    for filters in choices:
        hits = screen(index, Query(["Kadyrov"], filters=filters, threshold=0.0, limit=10))
        assert hits
        for hit in hits:
            t = hit.target
            assert not filters.jurisdictions or "UK" in t.jurisdictions
            assert not filters.regimes or "US-GLOMAG" in t.regimes
            assert not filters.grounds or "human_rights" in t.grounds
            assert not filters.countries or "ru" in t.countries
    bodies = screen(index, Query(["Bank Rossiya"], "Organization", threshold=0.0, limit=10))
    assert bodies and all(h.target.schema != "Person" for h in bodies)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"jurisdictions": ["XX"]}, "unknown jurisdiction"), ({"regimes": ["NOPE"]}, "regime"),
     ({"grounds": ["vibes"]}, "unknown ground"), ({"countries": ["Atlantis"]}, "country")],
)  # fmt: skip
def test_bad_filters_are_bad_input(kwargs: dict[str, list[str]], message: str) -> None:
    with pytest.raises(BadInput, match=message):
        Filters.make(**kwargs)


def test_one_word_alias_alone_does_not_alert(resolved_store: Store) -> None:
    """A look-alike name sharing one word with a one-word listed alias stays below the
    threshold, and the explanation says why."""
    hits = screen(get_index(resolved_store), Query(["Khalid Son"], threshold=0.0))
    one_word = [h for h in hits if any(f.name == "one_word" for f in h.features)]
    assert one_word and all(h.score < 0.7 for h in one_word)


def test_a_schema_that_cannot_be_screened_is_bad_input(resolved_store: Store) -> None:
    with pytest.raises(BadInput, match="cannot screen schema 'Address'"):
        screen(get_index(resolved_store), Query(["10 Downing Street"], "Address"))
