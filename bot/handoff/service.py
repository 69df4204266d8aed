"""The action server's one outbox and its delivery worker, made on first use
(never at import time) from the settings."""

from __future__ import annotations

from typing import Optional

from bot.handoff.delivery import OutboxWorker
from bot.handoff.outbox import Outbox
from bot.settings import load_settings

_outbox: Optional[Outbox] = None
_worker: Optional[OutboxWorker] = None


def outbox() -> Outbox:
    global _outbox
    if _outbox is None:
        _outbox = Outbox.from_settings(load_settings())
    return _outbox


def worker() -> OutboxWorker:
    global _worker
    if _worker is None:
        settings = load_settings()
        _worker = OutboxWorker(outbox(), settings.intake_url, settings.intake_secret, settings.outbox_poll_seconds)
    return _worker


def wake_worker() -> None:
    if _worker is not None:
        _worker.wake()
