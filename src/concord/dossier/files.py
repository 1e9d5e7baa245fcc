"""What an evidence file may be: its size and its type, checked on every way in (command
line, upload, package).

A file's type is taken from its name and must be one of `MEDIA_TYPES`; for the formats that
begin with a signature (PDF, images, office files) the bytes must begin with it, so a
program renamed `report.pdf` is refused.

Example:
    >>> check_file("notes.txt", b"seen in Kampala", 100)
    'text/plain'
    >>> check_file("photo.png", b"MZ...", 100)
    Traceback (most recent call last):
    ...
    concord.errors.BadInput: photo.png: not a PNG file (its first bytes say otherwise)
"""

from __future__ import annotations

from pathlib import PurePosixPath

from concord.errors import BadInput

# suffix -> (media type, signature the bytes begin with, or None when the format has none)
MEDIA_TYPES: dict[str, tuple[str, bytes | None]] = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".gif": ("image/gif", b"GIF8"),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
    ".odt": ("application/vnd.oasis.opendocument.text", b"PK\x03\x04"),
    ".txt": ("text/plain", None),
    ".md": ("text/markdown", None),
    ".csv": ("text/csv", None),
    ".json": ("application/json", None),
    ".html": ("text/html", None),
    ".eml": ("message/rfc822", None),
}
_TEXT = {
    "text/plain",
    "text/markdown",
    "text/csv",
    "application/json",
    "text/html",
    "message/rfc822",
}


def safe_name(name: str) -> str:
    """The file name alone (no folders), refused when empty or with control characters."""
    base = PurePosixPath(name.replace("\\", "/")).name
    if not base or base in (".", "..") or any(ord(c) < 32 for c in base):
        raise BadInput(f"{name!r} is not a usable file name")
    return base


def check_file(name: str, content: bytes, limit: int) -> str:
    """The media type of an evidence file, or BadInput for a file too large, empty, of a
    type not accepted, or whose bytes are not what its name says."""
    base = safe_name(name)
    if not content:
        raise BadInput(f"{base}: the file is empty")
    if len(content) > limit:
        raise BadInput(f"{base}: {len(content)} bytes, more than the {limit} accepted")
    suffix = PurePosixPath(base).suffix.lower()
    if suffix not in MEDIA_TYPES:
        raise BadInput(
            f"{base}: type {suffix or '(none)'} not accepted "
            f"(one of {' '.join(sorted(MEDIA_TYPES))})"
        )
    media_type, signature = MEDIA_TYPES[suffix]
    if signature is not None and not content.startswith(signature):
        kind = suffix.lstrip(".").upper()
        raise BadInput(f"{base}: not a {kind} file (its first bytes say otherwise)")
    if media_type in _TEXT:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            raise BadInput(f"{base}: a {suffix} file must be UTF-8 text") from None
    return media_type
