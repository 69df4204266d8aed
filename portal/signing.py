"""The handoff signature: HMAC-SHA256 over what the request does.

    message = "<unix seconds>\\n<METHOD>\\n<path[?query]>\\n<hex SHA-256 of the raw body>"

Headers: `X-Paligs-Timestamp: <unix seconds>` and
`X-Paligs-Signature: sha256=<hex digest>`. A signature binds the method, the
path (so a withdrawal of one reference cannot be replayed against another) and
the body. A request whose timestamp is more than the allowed skew away from our
clock (either way) is refused, and within that window the API remembers every
signature it accepted (`remember`), so a captured request cannot be used twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from portal.models import RequestSignature, utcnow

TIMESTAMP_HEADER = "X-Paligs-Timestamp"
SIGNATURE_HEADER = "X-Paligs-Signature"


class SignatureError(Exception):
    """Why a request is not accepted (the message goes back to the sender)."""


def message(timestamp: str, method: str, path: str, body: bytes) -> bytes:
    return "\n".join((timestamp, method.upper(), path, hashlib.sha256(body).hexdigest())).encode("utf-8")


def signature(secret: bytes, timestamp: str, method: str, path: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, message(timestamp, method, path, body), hashlib.sha256).hexdigest()


def signed_headers(secret: bytes, method: str, path: str, body: bytes, now: float | None = None) -> dict[str, str]:
    """What a sender adds to its request (used by tests and documented for providers)."""
    timestamp = str(int(time.time() if now is None else now))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: signature(secret, timestamp, method, path, body)}


def verify(secret: bytes, timestamp: str | None, given: str | None, method: str, path: str, body: bytes,
           max_skew: int, now: float | None = None) -> str:
    """The accepted signature's hex digest (for `remember`), or SignatureError."""
    if not secret:
        raise SignatureError("the service has no INTAKE_SECRET configured")
    if not timestamp or not given:
        raise SignatureError(f"missing {TIMESTAMP_HEADER} or {SIGNATURE_HEADER} header")
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        raise SignatureError(f"{TIMESTAMP_HEADER} must be unix seconds")
    expected = signature(secret, timestamp, method, path, body)
    # The signature first: an unauthenticated sender learns nothing about our clock.
    if not hmac.compare_digest(expected.encode(), given.strip().encode("utf-8", "replace")):
        raise SignatureError("bad signature")
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > max_skew:
        raise SignatureError(f"stale timestamp (more than {max_skew} seconds from the server clock)")
    return expected.removeprefix("sha256=")


async def remember(session: AsyncSession, digest: str, timestamp: str, max_skew: int) -> None:
    """Claim this signature once: a second use within the window is a SignatureError.
    The row is kept until the timestamp is stale anyway, then `forget_stale` drops it."""
    expires = dt.datetime.fromtimestamp(int(timestamp) + max_skew, dt.timezone.utc)
    try:
        async with session.begin_nested():
            session.add(RequestSignature(digest=digest, expires_at=expires))
    except IntegrityError:
        raise SignatureError("this signed request was already used") from None


async def forget_stale(session: AsyncSession, now: dt.datetime | None = None) -> int:
    result = await session.execute(delete(RequestSignature).where(RequestSignature.expires_at < (now or utcnow())))
    return result.rowcount or 0
