"""Work the server does besides answering requests: the new-intake e-mail after
an intake is stored, and a periodic job (retention purge, retries of e-mails
that could not be sent).

Each job opens its own database session from `app.ctx.sessions`; none shares
a request's session.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine

from sanic import Sanic
from sqlalchemy import select

from portal import notify, retention
from portal.models import Intake, utcnow
from portal.settings import Settings

log = logging.getLogger("portal.jobs")
RETRY_SECONDS = 600


def spawn(app: Sanic, coroutine: Coroutine) -> None:
    """Run after the response; keep a reference so the task is not collected early."""
    task = asyncio.get_running_loop().create_task(coroutine)
    app.ctx.background.add(task)
    task.add_done_callback(app.ctx.background.discard)


async def notify_new(app: Sanic, reference: str) -> None:
    """Send the new-intake e-mail, then mark it sent; failures are retried later."""
    settings: Settings = app.ctx.settings
    async with app.ctx.sessions.begin() as session:
        intake = await session.scalar(select(Intake).where(Intake.reference == reference))
        if intake is None or intake.notified_at is not None:
            return
        to = notify.recipients(intake.provider, settings.provider_emails)
        if not settings.smtp_url or not to:
            intake.notified_at = utcnow()  # nothing to send: the queue is the signal
            return
        link = settings.public_url + app.url_for("intake.detail", reference=intake.reference)
        message = notify.compose(intake.reference, intake.urgent, link, settings.smtp_from, to)
        try:
            await asyncio.to_thread(notify.send, settings.smtp_url, message)
        except (OSError, ValueError) as error:
            log.warning("new-intake e-mail for %s not sent (retried later): %s", reference, error)
            return
        intake.notified_at = utcnow()


async def periodic(app: Sanic) -> None:
    """The retention purge every PORTAL_PURGE_INTERVAL_HOURS, and retries of
    unsent notifications every 10 minutes."""
    settings: Settings = app.ctx.settings
    loop = asyncio.get_running_loop()
    next_purge = loop.time()
    while True:
        try:
            if loop.time() >= next_purge:
                await _purge(app, settings)
                next_purge = loop.time() + settings.purge_interval_hours * 3600
            for reference in await _unnotified(app):
                await notify_new(app, reference)
        except asyncio.CancelledError:
            raise
        except Exception:  # the job must outlive a database hiccup
            log.exception("periodic job failed; trying again later")
        await asyncio.sleep(RETRY_SECONDS)


async def _purge(app: Sanic, settings: Settings) -> None:
    async with app.ctx.sessions.begin() as session:
        result = await retention.purge(
            session, settings.contact_retention_days, settings.closed_retention_days,
            idle_minutes=settings.idle_minutes, session_hours=settings.session_hours,
            funnel_weeks=settings.funnel_retention_weeks,
        )
    log.info("purge: %s contacts erased, %s intakes deleted, %s funnel counts deleted",
             result.contacts_erased, result.intakes_deleted, result.funnel_counts_deleted)


async def _unnotified(app: Sanic) -> list[str]:
    async with app.ctx.sessions() as session:
        query = select(Intake.reference).where(Intake.notified_at.is_(None), Intake.status == "new")
        return list((await session.scalars(query)).all())
