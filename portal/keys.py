"""Key rotation: re-encrypt every sealed value with the current (first) key.

Procedure: put a new key first in PORTAL_DATA_KEY (`python -m portal keys new`),
keep the old ones after it, restart, run `python -m portal keys rotate`, then
the old keys can be removed from the ring.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth import totp_context
from portal.crypto import KeyRing, Sealed
from portal.intakes import contact_context, note_context
from portal.models import Intake, Note, User


async def rotate(session: AsyncSession, ring: KeyRing) -> dict[str, int]:
    counts = {"contacts": 0, "notes": 0, "totp_secrets": 0}
    current = ring.current_id
    for intake in (await session.scalars(
        select(Intake).where(Intake.contact_sealed.is_not(None), Intake.contact_key_id != current)
    )).all():
        sealed = ring.reseal(Sealed(intake.contact_key_id, intake.contact_sealed), contact_context(intake.id))
        intake.contact_sealed, intake.contact_key_id = sealed.blob, sealed.key_id
        counts["contacts"] += 1
    for note in (await session.scalars(select(Note).where(Note.text_key_id != current))).all():
        sealed = ring.reseal(Sealed(note.text_key_id, note.text_sealed), note_context(note.intake_id))
        note.text_sealed, note.text_key_id = sealed.blob, sealed.key_id
        counts["notes"] += 1
    for user in (await session.scalars(select(User).where(User.totp_key_id != current))).all():
        sealed = ring.reseal(Sealed(user.totp_key_id, user.totp_sealed), totp_context(user.email))
        user.totp_sealed, user.totp_key_id = sealed.blob, sealed.key_id
        counts["totp_secrets"] += 1
    return counts
