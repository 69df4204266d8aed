"""Delivering the outbox to the intake service with the signed protocol
(portal/README.md): HMAC-SHA256 over "<unix seconds>\\n<METHOD>\\n<path>\\n<hex
SHA-256 of the body>" in X-Paligs-Signature, the time in X-Paligs-Timestamp. A
withdrawal names its reference in the body as well as in the path. Runs as a
task of the action server; a restart simply picks up what is still pending.

INTAKE_URL must be https, except on loopback or a compose service name (a
private network of its own): `require_safe_intake_url` refuses anything else
outside PALIGS_ENV=development."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import json
import logging
import os
import re
import time
from typing import Dict, Mapping, Optional
from urllib.parse import urlsplit

import aiohttp

from bot.handoff.outbox import INTAKE, Outbox, Pending
from bot.settings import StartupRefused

logger = logging.getLogger(__name__)
TIMEOUT = aiohttp.ClientTimeout(total=15)
# One DNS label: how a compose service (`portal`, `intake-service`) is named on its own network.
_SERVICE_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$")


class IntakeUrlError(StartupRefused):
    """INTAKE_URL would send intakes in clear over a network others share."""


def intake_url_problem(url: str) -> Optional[str]:
    """Why this INTAKE_URL is not safe to send intakes to, or None."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if not host or parts.scheme not in ("https", "http"):
        return f"INTAKE_URL must be an https:// URL, got {url!r}"
    if parts.scheme == "https" or host == "localhost":
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        if _SERVICE_NAME.fullmatch(host) and not host.isdigit():
            return None
    return f"INTAKE_URL must use https:// (plain http only on loopback or a compose service name), got http://{host}"


def require_safe_intake_url(url: str, env: Optional[Mapping[str, str]] = None) -> None:
    env = os.environ if env is None else env
    if env.get("PALIGS_ENV", "").strip().lower() == "development":
        return
    problem = intake_url_problem(url)
    if problem:
        raise IntakeUrlError(f"refusing to start: {problem}")


def signed_headers(secret: str, method: str, url: str, body: bytes, now: Optional[float] = None) -> Dict[str, str]:
    """The headers of a signed request to `url` (its path and query are signed)."""
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    timestamp = str(int(time.time() if now is None else now))
    signed = "\n".join((timestamp, method.upper(), path, hashlib.sha256(body).hexdigest())).encode("utf-8")
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json; charset=utf-8",
        "X-Paligs-Timestamp": timestamp,
        "X-Paligs-Signature": f"sha256={digest}",
    }


def target(intake_url: str, message: Pending) -> str:
    if message.kind == INTAKE:
        return intake_url
    return f"{intake_url.rstrip('/')}/{message.reference}/withdraw"


def body_of(message: Pending) -> bytes:
    """What to POST: the intake itself, or for a withdrawal the reference it withdraws."""
    if message.kind == INTAKE:
        return message.body
    return json.dumps({"reference": message.reference}, separators=(",", ":")).encode("utf-8")


def delivered(message: Pending, status: int) -> bool:
    """Whether the receiver has it: stored (201), already stored (200), or for a
    withdrawal, nothing there to withdraw (404)."""
    return status in (200, 201) or (message.kind != INTAKE and status == 404)


class OutboxWorker:
    def __init__(self, outbox: Outbox, intake_url: str, secret: str, poll_seconds: float = 5.0) -> None:
        require_safe_intake_url(intake_url)
        self.outbox, self.intake_url, self.secret = outbox, intake_url, secret
        self.poll_seconds = poll_seconds
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Deliver now rather than at the next poll (called right after an intake is queued)."""
        self._wake.set()

    async def run(self) -> None:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            while True:
                try:
                    await self.deliver_due(session)
                except Exception:  # a worker that dies loses nothing, but must not stop
                    logger.exception("outbox delivery round failed")
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)
                except asyncio.TimeoutError:
                    pass
                self._wake.clear()

    async def deliver_due(self, session: aiohttp.ClientSession) -> int:
        sent = 0
        for message in await asyncio.to_thread(self.outbox.due):
            url, body = target(self.intake_url, message), body_of(message)
            try:
                headers = signed_headers(self.secret, "POST", url, body)
                async with session.post(url, data=body, headers=headers) as reply:
                    status = reply.status
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
                await asyncio.to_thread(self.outbox.failed, message, f"unreachable: {type(error).__name__}")
                continue
            if delivered(message, status):
                await asyncio.to_thread(self.outbox.delivered, message.id)
                sent += 1
                logger.info("outbox: %s %s delivered", message.kind, message.reference)
            else:
                await asyncio.to_thread(self.outbox.failed, message, f"HTTP {status}")
                logger.warning("outbox: %s %s refused with HTTP %s", message.kind, message.reference, status)
        return sent
