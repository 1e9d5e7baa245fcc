"""Encrypting confidential evidence for one named recipient (docs/dossiers.md).

The sender makes a fresh X25519 key pair for each package, agrees a secret with the
recipient's X25519 public key, and derives one 32-byte key from it with HKDF-SHA256
(salt: ephemeral public key then recipient public key, 32 raw bytes each; info:
`INFO`). Each file is sealed with ChaCha20-Poly1305 under a random 12-byte nonce, with the
file's plaintext SHA-256 (64 hex digits, ASCII) as associated data, and stored as nonce
followed by ciphertext-and-tag.

Example:
    >>> from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    >>> mine = X25519PrivateKey.generate()
    >>> seal = Sealer(mine.public_key())
    >>> box = seal.encrypt("ab" * 32, b"witness statement")
    >>> opener(mine, seal.ephemeral_public).decrypt("ab" * 32, box)
    b'witness statement'
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from concord.errors import BadInput

ALGORITHM = "X25519-HKDF-SHA256-ChaCha20Poly1305"
INFO = b"concord-dossier/1 evidence"
NONCE = 12


def _raw(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _derive(shared: bytes, ephemeral: bytes, recipient: bytes) -> ChaCha20Poly1305:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient, info=INFO)
    return ChaCha20Poly1305(key.derive(shared))


class Box:
    """Seals and opens files with one derived key."""

    def __init__(self, aead: ChaCha20Poly1305) -> None:
        self._aead = aead

    def encrypt(self, digest: str, plaintext: bytes) -> bytes:
        """Nonce + ciphertext of a file whose SHA-256 is `digest`."""
        nonce = os.urandom(NONCE)
        return nonce + self._aead.encrypt(nonce, plaintext, digest.encode("ascii"))

    def decrypt(self, digest: str, sealed: bytes) -> bytes:
        """The plaintext, or BadInput when the file was changed or is not for this key."""
        try:
            return self._aead.decrypt(sealed[:NONCE], sealed[NONCE:], digest.encode("ascii"))
        except InvalidTag:
            raise BadInput(f"encrypted file {digest[:12]} does not open with this key") from None


class Sealer(Box):
    """A box for one recipient, with the ephemeral public key the recipient needs."""

    def __init__(self, recipient: X25519PublicKey) -> None:
        ephemeral = X25519PrivateKey.generate()
        self.ephemeral_public = _raw(ephemeral.public_key())
        self.recipient_public = _raw(recipient)
        shared = ephemeral.exchange(recipient)
        super().__init__(_derive(shared, self.ephemeral_public, self.recipient_public))


def opener(private: X25519PrivateKey, ephemeral_public: bytes) -> Box:
    """The recipient's box for a package sealed with `ephemeral_public`."""
    if len(ephemeral_public) != 32:
        raise BadInput("the package's ephemeral key is not 32 bytes")
    shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    return Box(_derive(shared, ephemeral_public, _raw(private.public_key())))
