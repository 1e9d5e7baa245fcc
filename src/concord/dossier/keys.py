"""Keys for signing and encrypting packages, kept in a folder of files.

A party's key pair is two private keys and one public file, named after the party:

- `<name>.sign.pem`: the Ed25519 private key that signs packages (PKCS#8 PEM, mode 0600);
- `<name>.box.pem`: the X25519 private key that opens files encrypted for `<name>`
  (PKCS#8 PEM, mode 0600);
- `<name>.pub.json`: both public keys, to hand to others (`concord keys export NAME`).

Public files of others go in `trusted/` (`concord keys trust FILE`): a package is
imported only when its signer's key is one of ours or a trusted one. The folder is
`CONCORD_KEYS`, else `$XDG_DATA_HOME/concord/keys` (`~/.local/share/concord/keys`).

Example:
    >>> import tempfile
    >>> ring = KeyRing(Path(tempfile.mkdtemp()))
    >>> key = ring.generate("ngo-a")
    >>> oct(ring.private_path("ngo-a", "sign").stat().st_mode & 0o777)
    '0o600'
    >>> ring.public("ngo-a").key_id == key.key_id
    True
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from concord.errors import BadInput, Conflict, NotFound

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
KINDS = ("sign", "box")


def b64(data: bytes) -> str:
    """Standard base64 text of some bytes."""
    return base64.b64encode(data).decode("ascii")


def unb64(text: Any, what: str) -> bytes:
    """Bytes from base64 text, or BadInput naming what it was meant to be."""
    try:
        return base64.b64decode(str(text), validate=True)
    except ValueError:
        raise BadInput(f"{what} is not base64") from None


def key_id(sign_public: bytes) -> str:
    """A key's short name: the first 16 hex digits of the SHA-256 of its raw Ed25519 public
    key (32 bytes)."""
    return hashlib.sha256(sign_public).hexdigest()[:16]


def default_folder() -> Path:
    """`CONCORD_KEYS`, else the `keys` folder of the user's Concord data directory."""
    env = os.environ.get("CONCORD_KEYS")
    if env:
        return Path(env)
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "concord" / "keys"


@dataclass(frozen=True)
class PublicKey:
    """A party's public keys: Ed25519 to check signatures, X25519 to encrypt for it."""

    name: str
    sign: bytes
    box: bytes

    @property
    def key_id(self) -> str:
        """See `key_id`."""
        return key_id(self.sign)

    def as_dict(self) -> dict[str, str]:
        """The `<name>.pub.json` form."""
        return {
            "name": self.name,
            "key_id": self.key_id,
            "sign_ed25519": b64(self.sign),
            "box_x25519": b64(self.box),
        }

    @classmethod
    def from_dict(cls, data: Any, origin: str) -> PublicKey:
        """A public key file's content, checked (lengths, key id)."""
        if not isinstance(data, dict):
            raise BadInput(f"{origin}: not a Concord public key file")
        try:
            key = cls(
                check_name(str(data["name"])),
                unb64(data["sign_ed25519"], "sign key"),
                unb64(data["box_x25519"], "box key"),
            )
        except KeyError as exc:
            raise BadInput(f"{origin}: not a Concord public key file (no {exc})") from None
        if len(key.sign) != 32 or len(key.box) != 32:
            raise BadInput(f"{origin}: keys must be 32 bytes each")
        if data.get("key_id", key.key_id) != key.key_id:
            raise BadInput(f"{origin}: key_id does not match the key")
        return key

    def verifier(self) -> Ed25519PublicKey:
        """The Ed25519 key that checks this party's signatures."""
        return Ed25519PublicKey.from_public_bytes(self.sign)

    def box_key(self) -> X25519PublicKey:
        """The X25519 key files are encrypted for."""
        return X25519PublicKey.from_public_bytes(self.box)


def check_name(name: str) -> str:
    """A key name: letters, digits, `.`, `_`, `-` (it names files)."""
    if not _NAME.match(name):
        raise BadInput(f"key name {name!r}: use letters, digits, '.', '_' or '-' (max 64)")
    return name


def _raw_public(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


class KeyRing:
    """The keys folder: our key pairs, and the public keys of parties we trust."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or default_folder()

    def private_path(self, name: str, kind: str) -> Path:
        """Where a private key of ours is kept."""
        return self.folder / f"{check_name(name)}.{kind}.pem"

    def generate(self, name: str) -> PublicKey:
        """Make a new key pair; refuses to replace one of that name."""
        paths = [self.private_path(name, kind) for kind in KINDS]
        if any(p.exists() for p in paths):
            raise Conflict(f"a key named {name!r} exists already in {self.folder}")
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        sign, box = Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
        keys: tuple[Ed25519PrivateKey | X25519PrivateKey, ...] = (sign, box)
        for path, key in zip(paths, keys, strict=True):
            pem = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            # Created 0600 from the start: never readable by others, even for a moment.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
        public = PublicKey(name, _raw_public(sign), _raw_public(box))
        (self.folder / f"{name}.pub.json").write_text(json.dumps(public.as_dict(), indent=2))
        return public

    def _private(self, name: str, kind: str) -> Any:
        path = self.private_path(name, kind)
        if not path.is_file():
            raise NotFound(f"no private key {name!r} in {self.folder} (`concord keys list`)")
        if path.stat().st_mode & 0o077:
            raise BadInput(f"{path}: a private key must not be readable by others (chmod 600)")
        return serialization.load_pem_private_key(path.read_bytes(), password=None)

    def signer(self, name: str) -> Ed25519PrivateKey:
        """Our Ed25519 private key `name`."""
        key = self._private(name, "sign")
        if not isinstance(key, Ed25519PrivateKey):
            raise BadInput(f"{name}: not an Ed25519 key")
        return key

    def opener(self, name: str) -> X25519PrivateKey:
        """Our X25519 private key `name`."""
        key = self._private(name, "box")
        if not isinstance(key, X25519PrivateKey):
            raise BadInput(f"{name}: not an X25519 key")
        return key

    def public(self, name: str) -> PublicKey:
        """The public keys of `name`: ours, else a trusted party's."""
        for path in (
            self.folder / f"{name}.pub.json",
            self.folder / "trusted" / f"{name}.pub.json",
        ):
            if path.is_file():
                return PublicKey.from_dict(_read_json(path), str(path))
        raise NotFound(f"no public key {name!r} in {self.folder} (`concord keys list`)")

    def listing(self) -> list[dict[str, Any]]:
        """Every key known: ours (with a private key) and trusted ones."""
        out = []
        ours = [(p, True) for p in sorted(self.folder.glob("*.pub.json"))]
        others = [(p, False) for p in sorted(self.folder.glob("trusted/*.pub.json"))]
        for path, mine in ours + others:
            key = PublicKey.from_dict(_read_json(path), str(path))
            out.append(
                {
                    "name": key.name,
                    "key_id": key.key_id,
                    "private": mine and self.private_path(key.name, "sign").is_file(),
                    "trusted": True,
                    "file": str(path),
                }
            )
        return out

    def trust(self, path: Path) -> PublicKey:
        """Add another party's public key file to `trusted/`."""
        key = PublicKey.from_dict(_read_json(path), str(path))
        known = {k["key_id"]: k["name"] for k in self.listing()}
        if known.get(key.key_id, key.name) != key.name:
            raise Conflict(f"key {key.key_id} is known already as {known[key.key_id]!r}")
        folder = self.folder / "trusted"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        (folder / f"{key.name}.pub.json").write_text(json.dumps(key.as_dict(), indent=2))
        return key

    def trusted(self) -> dict[str, PublicKey]:
        """Every public key a package may be signed with, by key id."""
        return {
            k["key_id"]: PublicKey.from_dict(_read_json(Path(k["file"])), k["file"])
            for k in self.listing()
        }


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BadInput(f"{path}: cannot read a key file ({exc})") from None
