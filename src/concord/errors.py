"""One hierarchy of errors. The CLI turns them into one-line messages and exit codes,
the API into HTTP status codes."""


class ConcordError(Exception):
    """Base of every error Concord raises on purpose."""

    exit_code = 1
    http_status = 500


class BadInput(ConcordError):
    """A file or request that cannot be used: malformed, empty, truncated, hostile."""

    exit_code = 2
    http_status = 400


class ParseError(BadInput):
    """An official list file that its parser refuses.

    Example:
        >>> str(ParseError("sdn.csv", "file is empty"))
        'sdn.csv: file is empty'
    """

    def __init__(self, filename: str, reason: str) -> None:
        super().__init__(f"{filename}: {reason}")
        self.filename = filename
        self.reason = reason


class NotFound(ConcordError):
    """Something asked for by key or name that the store does not hold."""

    exit_code = 3
    http_status = 404


class Conflict(ConcordError):
    """A change that contradicts what the store holds."""

    exit_code = 4
    http_status = 409


class NotResolved(ConcordError):
    """A store holding snapshots that no finished resolution has read (a resolution that
    was stopped, or an ingest with --no-resolve): its targets would be missing or stale."""

    exit_code = 6
    http_status = 503


class SourceUnavailable(ConcordError):
    """A publisher's website that did not answer."""

    exit_code = 5
    http_status = 503
