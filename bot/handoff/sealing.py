"""Contact details at rest in the assistant: sealed with AES-GCM under a key
derived from SENDER_KEY, so that a tracker or outbox dump shows no number or
address. Only the outbox opens them, to hand them to the provider."""

from __future__ import annotations

import base64
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "sealed:v1:"
NONCE_BYTES = 12


class SealingError(ValueError):
    pass


def _key(sender_key: str, purpose: bytes) -> bytes:
    if not sender_key:
        raise SealingError("SENDER_KEY is not set")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"paligs:" + purpose).derive(
        sender_key.encode("utf-8")
    )


def seal(sender_key: str, plaintext: str, purpose: bytes = b"contact") -> str:
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(_key(sender_key, purpose)).encrypt(nonce, plaintext.encode("utf-8"), purpose)
    return PREFIX + base64.urlsafe_b64encode(nonce + ciphertext).decode("ascii")


def unseal(sender_key: str, sealed: str, purpose: bytes = b"contact") -> str:
    if not sealed.startswith(PREFIX):
        raise SealingError("not a sealed value")
    raw = base64.urlsafe_b64decode(sealed[len(PREFIX):].encode("ascii"))
    try:
        plaintext = AESGCM(_key(sender_key, purpose)).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], purpose)
    except Exception as error:  # InvalidTag: wrong key or tampered
        raise SealingError("cannot open a sealed value with this key") from error
    return plaintext.decode("utf-8")
