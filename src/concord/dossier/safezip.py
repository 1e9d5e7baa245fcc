"""Reading a package zip without trusting it: every entry is checked before any is used.

Refused: a file that is not a complete zip (truncated, damaged, a CRC that does not match);
more entries than `Limits.entries`; an entry name that is absolute, climbs out (`..`), uses
backslashes or a drive letter, repeats, or is a folder or a link; an encrypted entry;
declared sizes beyond `Limits.total`; an entry that inflates more than `Limits.ratio` times;
and an entry whose content is longer than its header declares (a zip bomb lying about its
size is stopped after reading one byte more than declared).

Example:
    >>> entry_name("evidence/ab12")
    'evidence/ab12'
    >>> entry_name("../x")
    Traceback (most recent call last):
    ...
    concord.errors.BadInput: unsafe entry name '../x' in the package
"""

from __future__ import annotations

import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from concord.errors import BadInput


@dataclass(frozen=True)
class Limits:
    """How large a package may be, whole and inflated."""

    entries: int = 10_000
    total: int = 2 * 1024**3  # uncompressed bytes of all entries together
    ratio: int = 200  # uncompressed / compressed, per entry larger than `small`
    small: int = 1024**2  # entries this small are not held to `ratio`
    package: int = 2 * 1024**3  # the zip file itself


def entry_name(name: str) -> str:
    """A relative POSIX path inside the package, or BadInput."""
    path = PurePosixPath(name)
    if (
        not name
        or "\\" in name
        or name.startswith("/")
        or path.is_absolute()
        or ":" in path.parts[0]
        or any(p in ("", ".", "..") for p in name.split("/"))
        or any(ord(c) < 32 for c in name)
    ):
        raise BadInput(f"unsafe entry name {name!r} in the package")
    return name


def _check_info(info: zipfile.ZipInfo, limits: Limits) -> None:
    entry_name(info.filename)
    mode = info.external_attr >> 16
    if info.is_dir() or stat.S_ISLNK(mode):
        raise BadInput(f"entry {info.filename!r}: folders and links are not accepted")
    if info.flag_bits & 0x1:
        raise BadInput(f"entry {info.filename!r} is encrypted with zip encryption")
    if info.file_size > limits.small and info.file_size > limits.ratio * max(info.compress_size, 1):
        raise BadInput(
            f"entry {info.filename!r} inflates {info.compress_size} bytes to "
            f"{info.file_size}: refused as a zip bomb"
        )


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with archive.open(info) as handle:
        data = handle.read(info.file_size + 1)
    if len(data) != info.file_size:
        raise BadInput(
            f"entry {info.filename!r} is not the size its header declares: "
            "refused as a zip bomb or a damaged file"
        )
    return data


def read_package(path: Path, limits: Limits | None = None) -> dict[str, bytes]:
    """Every entry of a package zip by name, once each has passed the checks above."""
    limits = limits or Limits()
    name = path.name
    if path.stat().st_size > limits.package:
        raise BadInput(f"{name}: larger than {limits.package} bytes")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > limits.entries:
                raise BadInput(f"{name}: {len(infos)} entries, more than {limits.entries}")
            names = [i.filename for i in infos]
            if len(set(names)) != len(names):
                raise BadInput(f"{name}: an entry name appears twice")
            for info in infos:
                _check_info(info, limits)
            if sum(i.file_size for i in infos) > limits.total:
                raise BadInput(f"{name}: inflates beyond {limits.total} bytes (a zip bomb?)")
            return {info.filename: _read(archive, info) for info in infos}
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise BadInput(f"{name}: not a complete, readable zip file ({exc})") from None
    except BadInput as exc:
        raise BadInput(f"{name}: {exc}" if not str(exc).startswith(name) else str(exc)) from None
