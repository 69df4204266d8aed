"""The append-only audit log: every view, reveal, change and export is recorded.

Rows are only ever added (the database refuses UPDATE and DELETE, migration
0002). The caller's transaction carries the event, so an action and its record
commit together or not at all.
"""

from __future__ import annotations

import json

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.models import AuditEvent
from portal.vocabulary import AUDIT_ACTIONS


def record(
    session: AsyncSession,
    action: str,
    actor: str,
    *,
    actor_provider: str | None = None,
    provider: str | None = None,
    reference: str | None = None,
    **detail: object,
) -> None:
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    session.add(
        AuditEvent(
            action=action,
            actor=actor,
            actor_provider=actor_provider,
            provider=provider,
            reference=reference,
            detail=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str) if detail else "",
        )
    )


async def events_for_provider(session: AsyncSession, provider: str, limit: int = 200) -> list[AuditEvent]:
    """What an admin of `provider` may read: their staff's actions and events on their intakes."""
    query = (
        select(AuditEvent)
        .where(or_(AuditEvent.actor_provider == provider, AuditEvent.provider == provider))
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    )
    return list((await session.scalars(query)).all())


async def events_for_reference(session: AsyncSession, reference: str, provider: str) -> list[AuditEvent]:
    """An intake's history as `provider`'s staff see it: their own actions and those of
    the assistant and the system, never what another provider's staff did."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.reference == reference)
        .where(or_(AuditEvent.actor_provider == provider, AuditEvent.actor_provider.is_(None)))
        .order_by(AuditEvent.id.desc())
    )
    return list((await session.scalars(query)).all())
