"""Page views of the web application: each returns the data of one page as a dict.

The same dict is the page's JSON twin under `/api/` (see `concord.api.pages`).
"""
