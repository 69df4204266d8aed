"""Field encryption at rest: AES-256-GCM with a key ring.

Each ciphertext is stored with the id of the key that made it, so keys can be
rotated: the first key of the ring encrypts, any key of the ring decrypts, and
`python -m portal keys rotate` re-encrypts what still uses an old key. The
associated data binds a ciphertext to its row and field, so a value copied into
another row does not decrypt.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12


class DecryptionError(Exception):
    pass


@dataclass(frozen=True)
class Sealed:
    key_id: str
    blob: bytes  # nonce + ciphertext + tag


class KeyRing:
    def __init__(self, keys: list[tuple[str, bytes]]):
        if not keys:
            raise ValueError("a key ring needs at least one key")
        self._keys = dict(keys)
        self.current_id = keys[0][0]

    def seal(self, plaintext: bytes, context: str) -> Sealed:
        nonce = os.urandom(NONCE_BYTES)
        blob = nonce + AESGCM(self._keys[self.current_id]).encrypt(nonce, plaintext, context.encode())
        return Sealed(self.current_id, blob)

    def open(self, sealed: Sealed, context: str) -> bytes:
        key = self._keys.get(sealed.key_id)
        if key is None:
            raise DecryptionError(f"key {sealed.key_id!r} is not in PORTAL_DATA_KEY")
        nonce, body = sealed.blob[:NONCE_BYTES], sealed.blob[NONCE_BYTES:]
        try:
            return AESGCM(key).decrypt(nonce, body, context.encode())
        except InvalidTag:
            raise DecryptionError("ciphertext does not match its key or row") from None

    def seal_json(self, value: object, context: str) -> Sealed:
        return self.seal(json.dumps(value, ensure_ascii=False, sort_keys=True).encode(), context)

    def open_json(self, sealed: Sealed, context: str) -> object:
        return json.loads(self.open(sealed, context))

    def reseal(self, sealed: Sealed, context: str) -> Sealed:
        """The same plaintext under the current key (a no-op copy if it already is)."""
        if sealed.key_id == self.current_id:
            return sealed
        return self.seal(self.open(sealed, context), context)
