"""Reference codes the person quotes when they call: 8 characters of Crockford
base32 (no I, L, O or U, so nothing reads as 1, 0 or a rude word), 40 random bits.
Uniqueness is enforced where they are stored (the outbox), which draws again."""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8
PATTERN = re.compile(f"^[{ALPHABET}]{{{LENGTH}}}$")


def new_reference() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def is_reference(text: str) -> bool:
    return bool(PATTERN.fullmatch(text or ""))


def display(reference: str) -> str:
    """Easier to read aloud on the phone: "K7M2 9QX4"."""
    return f"{reference[:4]} {reference[4:]}"
