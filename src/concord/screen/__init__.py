"""Screening: names against every current list at once, results as explained targets."""

from concord.screen.batch import BatchOptions, BatchReport, screen_file
from concord.screen.decisions import Decision, decide, decisions
from concord.screen.index import ScreenIndex, build_index, get_index
from concord.screen.query import THRESHOLD, Filters, Hit, Query, screen

__all__ = ["THRESHOLD", "BatchOptions", "BatchReport", "Decision", "Filters", "Hit", "Query",
           "ScreenIndex", "build_index", "decide", "decisions", "get_index", "screen",
           "screen_file"]  # fmt: skip
