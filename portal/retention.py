"""Retention: contact details are erased after PORTAL_CONTACT_RETENTION_DAYS
(30), closed and withdrawn intakes deleted after PORTAL_CLOSED_RETENTION_DAYS
(180), the campaign funnel's weekly counts after PORTAL_FUNNEL_RETENTION_WEEKS
(156). Run by `python -m portal purge` and by the server's daily job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal import audit, auth, funnel, signing
from portal.intakes import erase_contact
from portal.models import Intake, utcnow


@dataclass(frozen=True)
class PurgeResult:
    contacts_erased: int
    intakes_deleted: int
    funnel_counts_deleted: int = 0


async def purge(session: AsyncSession, contact_days: int, closed_days: int, now: dt.datetime | None = None,
                idle_minutes: int = 30, session_hours: int = 12, funnel_weeks: int = 156) -> PurgeResult:
    now = now or utcnow()
    contact_cutoff = now - dt.timedelta(days=contact_days)
    closed_cutoff = now - dt.timedelta(days=closed_days)

    with_contact = (
        await session.scalars(
            select(Intake).where(Intake.contact_sealed.is_not(None), Intake.received_at < contact_cutoff)
        )
    ).all()
    for intake in with_contact:
        erase_contact(intake)

    old = (
        await session.scalars(
            select(Intake.reference).where(
                or_(
                    (Intake.status == "closed") & (Intake.closed_at < closed_cutoff),
                    (Intake.status == "withdrawn") & (Intake.withdrawn_at < closed_cutoff),
                )
            )
        )
    ).all()
    if old:
        await session.execute(delete(Intake).where(Intake.reference.in_(old)))
    funnel_deleted = await funnel.purge(session, funnel_weeks, now.date())
    await auth.purge_sessions(session, idle_minutes, session_hours)
    await signing.forget_stale(session, now)
    result = PurgeResult(len(with_contact), len(old), funnel_deleted)
    audit.record(session, "purge", "system", contacts_erased=result.contacts_erased,
                 intakes_deleted=result.intakes_deleted, funnel_counts_deleted=result.funnel_counts_deleted)
    return result
