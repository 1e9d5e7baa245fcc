from concord.model.regimes import normalize_label, registry


def test_magnitsky_keys_are_the_design_keys() -> None:
    keys = registry().magnitsky_keys()
    for key in (
        "US-GLOMAG",
        "US-MAGNITSKY",
        "GB-HR",
        "GB-AC",
        "CA-JVCFOA",
        "EU-HR",
        "AU-HUMAN",
        "AU-CRP",
    ):
        assert key in keys


def test_lookup_folds_stray_spaces_and_en_dash() -> None:
    # The 2024-12-17 DFAT file spells these with a trailing space and an en dash.
    reg = registry()
    assert reg.lookup("au-dfat", "Autonomous (Thematic – Corruption) ").key == "AU-CRP"  # type: ignore[union-attr]
    assert reg.lookup("au-dfat", "Autonomous (Thematic - Human Rights)  ").key == "AU-HUMAN"  # type: ignore[union-attr]
    assert reg.lookup("us-ofac", "NOT-A-PROGRAM") is None


def test_every_regime_is_complete() -> None:
    for regime in registry():
        assert regime.jurisdiction and regime.name and regime.grounds, regime.key
        assert regime.labels, f"{regime.key} has no list strings"


def test_normalize_label() -> None:
    assert normalize_label("  A\u2013B  c ") == "a-b c"


def test_every_country_programme_states_the_countries_its_key_names() -> None:
    """The `countries` of each regime file are what FtM's country lookup reads in its key
    (`US-BURMA` -> mm, `AU-RUSSIA-UKRAINE` -> ru, ua), and a UN resolution's country."""
    from concord.model.regimes import key_countries

    regimes = list(registry().regimes.values())
    assert {r.key: set(r.countries) for r in regimes} == {
        r.key: key_countries(r.key) for r in regimes
    }
    assert sum(1 for r in regimes if r.countries) >= 100
    assert "country:mm" in registry().get("US-BURMA").families
