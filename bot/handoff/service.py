"""The action server's one outbox and its delivery worker, made on first use
(never at import time) from the settings. The worker also pushes the funnel
counters, and the funnel's recorder exists once the worker does: actions run
outside the action server (unit tests) count nothing."""

from __future__ import annotations

from typing import Optional

import aiohttp

from bot.campaigns.funnel_push import FunnelPush
from bot.campaigns.funnel_store import FunnelRecorder
from bot.handoff.delivery import OutboxWorker
from bot.handoff.outbox import Outbox
from bot.settings import Settings, load_settings

_outbox: Optional[Outbox] = None
_worker: Optional[OutboxWorker] = None
_funnel: Optional[FunnelRecorder] = None


class DeliveryWorker(OutboxWorker):
    """Delivers the outbox, then pushes the funnel counters when FUNNEL_PUSH_SECONDS have passed
    (and in its first round, when the action server starts)."""

    def __init__(self, outbox: Outbox, settings: Settings) -> None:
        super().__init__(outbox, settings.intake_url, settings.intake_secret, settings.outbox_poll_seconds)
        self.funnel_push = FunnelPush(
            outbox.funnel, settings.funnel_url, settings.intake_secret, settings.funnel_push_seconds
        )

    async def deliver_due(self, session: aiohttp.ClientSession) -> int:
        sent = await super().deliver_due(session)
        await self.funnel_push.push_if_due(session)
        return sent


def outbox() -> Outbox:
    global _outbox
    if _outbox is None:
        _outbox = Outbox.from_settings(load_settings())
    return _outbox


def worker() -> OutboxWorker:
    global _worker, _funnel
    if _worker is None:
        _worker = DeliveryWorker(outbox(), load_settings())
        _funnel = FunnelRecorder(outbox().funnel)
    return _worker


def funnel() -> Optional[FunnelRecorder]:
    """Where actions count funnel steps; None until the action server has started its worker."""
    return _funnel


def wake_worker() -> None:
    if _worker is not None:
        _worker.wake()
