"""Download the publishers' current files into the mirror's dated layout (sources -> mirror),
refusing what the parser refuses; ingest then reads them like any other snapshot folder."""

from concord.fetch.run import FetchOptions, SourceFetch, fetch, fetch_source, ingest_fetched
from concord.fetch.state import STATE_FILE, FetchState

__all__ = [
    "STATE_FILE",
    "FetchOptions",
    "FetchState",
    "SourceFetch",
    "fetch",
    "fetch_source",
    "ingest_fetched",
]
