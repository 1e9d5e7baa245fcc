"""The query parameters shared by the coverage and gap pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from concord.web.analysis_views import Params


def analysis_params(
    grounds: Annotated[str, Query(description="any, human_rights or corruption")] = "",
    regimes: Annotated[str, Query(description="magnitsky (default) or all")] = "",
    as_of: Annotated[str, Query(description="State on this day, YYYY-MM-DD")] = "",
    country: Annotated[str, Query(description="Target country, ISO code (RU)")] = "",
    jurisdiction: Annotated[str, Query(description="Only targets this one lists (UK)")] = "",
    unstated: Annotated[str, Query(description="include (default) or exclude: designations "
                                   "whose list does not state the ground")] = "",
) -> Params:  # fmt: skip
    """The filters, checked (BadInput, so 400, for a bad value)."""
    return Params.make(grounds, regimes, as_of, country, jurisdiction, unstated)


Filters = Annotated[Params, Depends(analysis_params)]
Download = Annotated[str, Query(description="csv or xlsx: the whole table as a file")]
