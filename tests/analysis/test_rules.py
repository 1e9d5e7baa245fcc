"""The rules of the analysis on small inputs.

Hand-made: no file in the mirror shows a target delisted in one jurisdiction and kept in
another (delisted entries are not resolved into targets), so these designations are made
up by hand to pin the rule down.
"""

from __future__ import annotations

from datetime import date

from concord.analysis.country import choose
from concord.analysis.frame import Filter, Frame, Listing, Run
from concord.analysis.gaps import GapQuery, delisting_gaps, gaps
from concord.analysis.lags import lag_range, summarise
from concord.analysis.timeline import timeline
from concord.model.dates import DateInterval


def _listing(target: str, key: str, jur: str, regime: str, listed: date,
             ended: date | None = None) -> Listing:  # fmt: skip
    return Listing(
        target_id=target, entry_key=key, source=key.split(":")[0], jurisdiction=jur,
        regime=regime, grounds=("human_rights",), magnitsky=True,
        listed=DateInterval.exact(listed), listed_from_list=True,
        delisted=DateInterval(date(2023, 1, 1), ended) if ended else None,
        runs=(Run(listed, ended),), reason="",
    )  # fmt: skip


def _frame() -> Frame:
    listings = [
        _listing("t1", "us-ofac:1", "US", "US-GLOMAG", date(2020, 1, 10)),
        _listing("t1", "gb-ofsi:1", "UK", "GB-HR", date(2021, 3, 22), ended=date(2024, 1, 5)),
        _listing("t2", "us-ofac:2", "US", "US-GLOMAG", date(2022, 12, 9)),
        _listing("t2", "gb-ofsi:2", "UK", "GB-HR", date(2022, 12, 9)),
    ]
    return Frame(listings, {"t1": "ONE", "t2": "TWO"}, {}, {}, [], ("hand-made",))


def test_delisted_in_one_kept_in_another_is_a_gap_of_its_own_kind() -> None:
    frame = _frame()
    rows = gaps(frame, GapQuery("US", ("UK",)))
    assert [(r["target_id"], r["kind"]) for r in rows] == [("t1", "delisted")]
    assert rows[0]["delisted"] == "GB-HR 2023-01-02..2024-01-05"
    # Before the delisting, no gap at all.
    assert gaps(frame, GapQuery("US", ("UK",), as_of=date(2023, 6, 1))) == []
    delisted = delisting_gaps(frame)
    assert [(r["target_id"], r["delisted_by"], r["kept_by"]) for r in delisted] == [
        ("t1", "UK", "US")
    ]


def test_lag_ranges_and_quartiles_bound_the_truth() -> None:
    exact = lag_range(DateInterval.exact(date(2020, 7, 9)), DateInterval.exact(date(2021, 3, 22)))
    assert exact == (256, 256)
    open_start = lag_range(DateInterval(None, date(2015, 1, 17)),
                           DateInterval.exact(date(2020, 7, 6)))  # fmt: skip
    assert open_start[1] == float("inf")
    cases = [{"lag_min": 10, "lag_max": 10, "exact": True},
             {"lag_min": 5, "lag_max": 40, "exact": False},
             {"lag_min": 100, "lag_max": None, "exact": False}]  # fmt: skip
    summary = summarise(cases, "US", "UK")
    assert summary["median"] == "10..40" and summary["exact"] == 1 and summary["q3"] == "100.."


def test_timeline_counts_a_target_once_per_jurisdiction() -> None:
    rows = timeline(_frame(), Filter())
    assert {(r["quarter"], r["jurisdiction"]): r["magnitsky"] for r in rows} == {
        ("2020Q1", "US"): 1, ("2021Q1", "UK"): 1, ("2022Q4", "US"): 1, ("2022Q4", "UK"): 1,
    }  # fmt: skip


def test_country_vote_is_stable() -> None:
    assert choose(["cn", "hk", "cn"]) == "cn"
    assert choose(["ru", "by"]) == "by"
