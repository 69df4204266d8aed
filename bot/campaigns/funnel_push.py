"""Delivering the funnel counters to the portal (POST FUNNEL_URL), signed like intakes.

The body carries ABSOLUTE counts, at most MAX_COUNTS_PER_REQUEST rows:

    {"counts": [{"week": "2026-W49", "campaign": "emb-tashkent", "language": "uz",
                 "channel": "web", "step": "chat_opened", "count": 17}, ...]}

and the portal keeps, per key, the larger of what it had and what it got, so a push
repeated or overtaken by a later one changes nothing. Only counters that grew since the
portal last confirmed them are sent; a refused or failed push leaves them due, and the
next one (FUNNEL_PUSH_SECONDS later) sends them again. The outbox worker calls
`push_if_due` every round (bot/handoff/service.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from typing import Callable, List, Mapping, Optional

import aiohttp

from bot.campaigns.funnel_store import Counted, FunnelCounts
from bot.handoff.delivery import intake_url_problem, signed_headers
from bot.settings import DEVELOPMENT, StartupRefused

logger = logging.getLogger(__name__)

MAX_COUNTS_PER_REQUEST = 500
# A bound on one push (a counter that keeps growing is sent again at the next push).
MAX_REQUESTS_PER_PUSH = 200


class FunnelUrlError(StartupRefused):
    """FUNNEL_URL would send the counters in clear over a network others share."""


def require_safe_funnel_url(url: str, env: Optional[Mapping[str, str]] = None) -> None:
    """The rule INTAKE_URL follows: https, plain http only on loopback or a compose service name."""
    env = os.environ if env is None else env
    if env.get("PALIGS_ENV", "").strip().lower() == DEVELOPMENT:
        return
    problem = intake_url_problem(url)
    if problem:
        raise FunnelUrlError("refusing to start: " + problem.replace("INTAKE_URL", "FUNNEL_URL", 1))


def funnel_body(counted: List[Counted]) -> bytes:
    rows = [
        {"week": c.key.week, "campaign": c.key.campaign, "language": c.key.language,
         "channel": c.key.channel, "step": c.key.step, "count": c.count}
        for c in counted
    ]
    return json.dumps({"counts": rows}, separators=(",", ":")).encode("utf-8")


class FunnelPush:
    def __init__(
        self,
        counts: FunnelCounts,
        url: str,
        secret: str,
        every_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        require_safe_funnel_url(url)
        self.counts, self.url, self.secret = counts, url, secret
        self.every_seconds, self.clock = every_seconds, clock
        self._last_attempt: Optional[float] = None  # None: push at the first round, when the worker starts

    def due(self) -> bool:
        return self._last_attempt is None or self.clock() - self._last_attempt >= self.every_seconds

    async def push_if_due(self, session: aiohttp.ClientSession) -> int:
        """Push if FUNNEL_PUSH_SECONDS have passed since the last attempt; never raises."""
        if not self.due():
            return 0
        self._last_attempt = self.clock()
        try:
            return await self.push(session)
        except Exception:  # the counters stay due; intakes must keep flowing whatever happens here
            logger.exception("funnel: push failed")
            return 0

    async def push(self, session: aiohttp.ClientSession) -> int:
        """Send every counter the portal has not confirmed; the number of rows it accepted."""
        accepted = 0
        for _ in range(MAX_REQUESTS_PER_PUSH):
            batch = await asyncio.to_thread(self.counts.unpushed, MAX_COUNTS_PER_REQUEST)
            if not batch:
                break
            body = funnel_body(batch)
            try:
                async with session.post(
                    self.url, data=body, headers=signed_headers(self.secret, "POST", self.url, body)
                ) as reply:
                    status = reply.status
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
                logger.warning("funnel: portal unreachable (%s); %d counters wait", type(error).__name__, len(batch))
                break
            if status != 200:
                # 4xx is a contract problem (the portal's vocabulary behind ours?) that waiting will not fix.
                log = logger.error if 400 <= status < 500 else logger.warning
                log("funnel: portal refused the counters with HTTP %s; they wait", status)
                break
            await asyncio.to_thread(self.counts.mark_pushed, batch)
            accepted += len(batch)
            if len(batch) < MAX_COUNTS_PER_REQUEST:
                break
        if accepted:
            logger.info("funnel: %d counters pushed", accepted)
        return accepted
