"""Delivering the outbox to the intake service with the signed protocol
(portal/README.md): HMAC-SHA256 over "<unix seconds>.<body>" in
X-Paligs-Signature, the time in X-Paligs-Timestamp. Runs as a task of the
action server; a restart simply picks up what is still pending."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from typing import Dict, Optional

import aiohttp

from bot.handoff.outbox import INTAKE, Outbox, Pending

logger = logging.getLogger(__name__)
TIMEOUT = aiohttp.ClientTimeout(total=15)


def signed_headers(secret: str, body: bytes, now: Optional[float] = None) -> Dict[str, str]:
    timestamp = str(int(time.time() if now is None else now))
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json; charset=utf-8",
        "X-Paligs-Timestamp": timestamp,
        "X-Paligs-Signature": f"sha256={digest}",
    }


def target(intake_url: str, message: Pending) -> str:
    if message.kind == INTAKE:
        return intake_url
    return f"{intake_url.rstrip('/')}/{message.reference}/withdraw"


def delivered(message: Pending, status: int) -> bool:
    """Whether the receiver has it: stored (201), already stored (200), or for a
    withdrawal, nothing there to withdraw (404)."""
    return status in (200, 201) or (message.kind != INTAKE and status == 404)


class OutboxWorker:
    def __init__(self, outbox: Outbox, intake_url: str, secret: str, poll_seconds: float = 5.0) -> None:
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
            try:
                async with session.post(
                    target(self.intake_url, message),
                    data=message.body,
                    headers=signed_headers(self.secret, message.body),
                ) as reply:
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
