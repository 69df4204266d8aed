"""The handoff signature: HMAC-SHA256 over "<unix timestamp>.<raw body>".

Headers: `X-Paligs-Timestamp: <unix seconds>` and
`X-Paligs-Signature: sha256=<hex digest>`. A request whose timestamp is more
than the allowed skew away from our clock (either way) is refused, so a
captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import time

TIMESTAMP_HEADER = "X-Paligs-Timestamp"
SIGNATURE_HEADER = "X-Paligs-Signature"


class SignatureError(Exception):
    """Why a request is not accepted (the message goes back to the sender)."""


def signature(secret: bytes, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signed_headers(secret: bytes, body: bytes, now: float | None = None) -> dict[str, str]:
    """What a sender adds to its request (used by tests and documented for providers)."""
    timestamp = str(int(time.time() if now is None else now))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: signature(secret, timestamp, body)}


def verify(
    secret: bytes, timestamp: str | None, given: str | None, body: bytes, max_skew: int, now: float | None = None
) -> None:
    if not secret:
        raise SignatureError("the service has no INTAKE_SECRET configured")
    if not timestamp or not given:
        raise SignatureError(f"missing {TIMESTAMP_HEADER} or {SIGNATURE_HEADER} header")
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        raise SignatureError(f"{TIMESTAMP_HEADER} must be unix seconds")
    # The signature first: an unauthenticated sender learns nothing about our clock.
    if not hmac.compare_digest(signature(secret, timestamp, body).encode(), given.strip().encode("utf-8", "replace")):
        raise SignatureError("bad signature")
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > max_skew:
        raise SignatureError(f"stale timestamp (more than {max_skew} seconds from the server clock)")
