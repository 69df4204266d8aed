"""Intakes: storing what the assistant sends, the provider scope of staff, the
status workflow, notes, assignment and contact details.

Every function takes the caller's session; the caller commits. Contact details
and notes are sealed with the key ring (crypto.py) and bound to their row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from portal.crypto import KeyRing, Sealed
from portal.models import Intake, Note, User, utcnow
from portal.vocabulary import ANY_PROVIDER, STAFF_ROLES, providers_for

# The staff workflow over every status (vocabulary.STATUSES); `withdrawn` is set
# only by the person, through the assistant.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("acknowledged",),
    "acknowledged": ("in_progress", "closed"),
    "in_progress": ("closed",),
    "closed": ("in_progress",),  # reopening is allowed; the audit log keeps the history
    "withdrawn": (),
}


class Conflict(Exception):
    """The id or the reference is already used by a different intake."""


class NotAllowed(Exception):
    pass


class Taken(Exception):
    """Another provider acknowledged this intake for any provider first."""


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, ())


def scope(provider: str) -> tuple[str, ...]:
    """The intakes a provider works on: its own and those for any provider."""
    return (provider, ANY_PROVIDER)


def visible_to(provider: str):
    """The intakes a provider's staff see: its own, and those for any provider that no
    other provider has claimed (by acknowledging it first)."""
    return or_(
        Intake.provider == provider,
        and_(Intake.provider == ANY_PROVIDER, or_(Intake.claimed_by.is_(None), Intake.claimed_by == provider)),
    )


def visible_providers(user: User) -> tuple[str, ...]:
    """Staff see their provider's scope; coordinators see no intake."""
    if user.role not in STAFF_ROLES or not user.provider:
        return ()
    return scope(user.provider)


def owners(intake: Intake) -> tuple[str, ...]:
    """The providers whose staff work on this intake now."""
    return (intake.claimed_by,) if intake.claimed_by else providers_for(intake.provider)


def contact_context(intake_id: str) -> str:
    return f"intake:{intake_id}:contact"


def note_context(intake_id: str) -> str:
    return f"intake:{intake_id}:note"


@dataclass(frozen=True)
class StoreResult:
    intake: Intake
    created: bool


async def store(session: AsyncSession, ring: KeyRing, clean: dict) -> StoreResult:
    """Insert a validated intake once. The same id (or, without id, the same
    reference) again returns the stored one; a clash of id and reference is a Conflict."""
    intake_id = clean["id"] or str(uuid.uuid5(uuid.NAMESPACE_URL, "paligs-intake:" + clean["reference"]))
    existing = await _existing(session, intake_id, clean["reference"])
    if existing is not None:
        return StoreResult(existing, False)
    intake = Intake(
        id=intake_id,
        reference=clean["reference"],
        provider=clean["provider"],
        created_on=clean["created_on"],
        language=clean["language"],
        channel=clean["channel"],
        source=clean["source"],
        age_group=clean["age_group"],
        location=clean["location"],
        sector=clean["sector"],
        urgent=clean["urgent"],
        signal=clean["assessment"]["signal"],
        indicators=clean["indicators"],
        assessment=clean["assessment"],
        needs=clean["needs"],
        consent=clean["consent"],
        has_contact=clean["contact"] is not None,
        status="new",
        received_at=utcnow(),
        updated_at=utcnow(),
    )
    if clean["contact"] is not None:
        sealed = ring.seal_json(clean["contact"], contact_context(intake_id))
        intake.contact_sealed, intake.contact_key_id = sealed.blob, sealed.key_id
    try:
        async with session.begin_nested():
            session.add(intake)
    except IntegrityError:
        # Sent twice at the same moment: the other request won; answer like a repeat.
        existing = await _existing(session, intake_id, clean["reference"])
        if existing is None:
            raise
        return StoreResult(existing, False)
    return StoreResult(intake, True)


async def _existing(session: AsyncSession, intake_id: str, reference: str) -> Intake | None:
    rows = (
        await session.scalars(select(Intake).where(or_(Intake.id == intake_id, Intake.reference == reference)))
    ).all()
    if not rows:
        return None
    if len(rows) > 1 or rows[0].id != intake_id or rows[0].reference != reference:
        raise Conflict("this id or reference belongs to another intake")
    return rows[0]


async def by_reference(session: AsyncSession, reference: str) -> Intake | None:
    return await session.scalar(select(Intake).where(Intake.reference == reference))


async def visible_by_reference(session: AsyncSession, user: User, reference: str) -> Intake | None:
    """The intake if this user may see it; None otherwise (a 404, so existence is not leaked)."""
    if not visible_providers(user):
        return None
    return await session.scalar(select(Intake).where(Intake.reference == reference, visible_to(user.provider)))


@dataclass(frozen=True)
class QueueFilter:
    status: str | None = None
    language: str | None = None
    signal: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    mine: bool = False


async def queue(session: AsyncSession, user: User, filters: QueueFilter, limit: int = 500) -> list[Intake]:
    """Urgent first, then the oldest open ones first within each urgency."""
    if not visible_providers(user):
        return []
    query = select(Intake).where(visible_to(user.provider))
    if filters.status:
        query = query.where(Intake.status == filters.status)
    if filters.language:
        query = query.where(Intake.language == filters.language)
    if filters.signal:
        query = query.where(Intake.signal == filters.signal)
    if filters.date_from:
        query = query.where(Intake.created_on >= filters.date_from)
    if filters.date_to:
        query = query.where(Intake.created_on <= filters.date_to)
    if filters.mine:
        query = query.where(Intake.assigned_to == user.id)
    query = query.order_by(Intake.urgent.desc(), Intake.received_at.asc()).limit(limit)
    return list((await session.scalars(query)).all())


async def set_status(session: AsyncSession, intake: Intake, target: str, provider: str | None = None) -> bool:
    """Move the intake on. Acknowledging an intake for any provider claims it for
    `provider` with a conditional UPDATE: of two providers acknowledging at the same
    instant one wins, and the other gets Taken. True when this call claimed it."""
    if not can_transition(intake.status, target):
        raise NotAllowed(f"{intake.status} cannot become {target}")
    if intake.provider == ANY_PROVIDER and intake.claimed_by is None:
        if provider is None:
            raise NotAllowed("an intake for any provider is claimed by the provider that acknowledges it")
        claimed = await session.execute(
            update(Intake)
            .where(Intake.id == intake.id, Intake.claimed_by.is_(None), Intake.status == intake.status)
            .values(claimed_by=provider, status=target, updated_at=utcnow(), closed_at=None)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            raise Taken(intake.reference)
        await session.refresh(intake)
        return True
    intake.status = target
    intake.updated_at = utcnow()
    intake.closed_at = utcnow() if target == "closed" else None
    return False


async def assign(session: AsyncSession, intake: Intake, assignee: User | None) -> None:
    if assignee is not None and (assignee.provider not in owners(intake) or not assignee.active):
        raise NotAllowed("the assignee cannot see this intake")
    intake.assigned_to = assignee.id if assignee else None
    intake.updated_at = utcnow()


async def assignable_users(session: AsyncSession, intake: Intake) -> list[User]:
    query = (
        select(User)
        .where(User.active.is_(True), User.role.in_(STAFF_ROLES))
        .where(User.provider.in_(owners(intake)))
        .order_by(User.email)
    )
    return list((await session.scalars(query)).all())


async def add_note(session: AsyncSession, ring: KeyRing, intake: Intake, author: User, text: str) -> None:
    sealed = ring.seal(text.encode(), note_context(intake.id))
    session.add(Note(intake_id=intake.id, author_id=author.id, provider=author.provider, text_sealed=sealed.blob,
                     text_key_id=sealed.key_id))
    intake.updated_at = utcnow()


async def notes(session: AsyncSession, ring: KeyRing, intake: Intake, provider: str) -> list[dict]:
    """The notes the staff of `provider` wrote (another provider's notes are theirs alone)."""
    rows = (
        await session.execute(
            select(Note, User.email)
            .join(User, Note.author_id == User.id, isouter=True)
            .where(Note.intake_id == intake.id, Note.provider == provider)
            .order_by(Note.id)
        )
    ).all()
    return [
        {
            "at": note.created_at,
            "author": email or "?",
            "text": ring.open(Sealed(note.text_key_id, note.text_sealed), note_context(intake.id)).decode(),
        }
        for note, email in rows
    ]


def contact(ring: KeyRing, intake: Intake) -> dict | None:
    if intake.contact_sealed is None:
        return None
    return ring.open_json(Sealed(intake.contact_key_id, intake.contact_sealed), contact_context(intake.id))


def erase_contact(intake: Intake) -> None:
    intake.contact_sealed = None
    intake.contact_key_id = None
    if intake.has_contact and intake.contact_erased_at is None:
        intake.contact_erased_at = utcnow()


async def withdraw(session: AsyncSession, intake: Intake) -> bool:
    """The person withdrew: status withdrawn, contact erased. False if it already was."""
    if intake.status == "withdrawn":
        return False
    intake.status = "withdrawn"
    intake.withdrawn_at = utcnow()
    intake.updated_at = utcnow()
    erase_contact(intake)
    return True


def to_json(intake: Intake) -> dict:
    """The contract's shape, for exports and the staff JSON API; never the contact itself."""
    return {
        "id": intake.id,
        "reference": intake.reference,
        "created_on": intake.created_on.isoformat(),
        "received_at": intake.received_at.isoformat(),
        "language": intake.language,
        "channel": intake.channel,
        "source": intake.source,
        "provider": intake.provider,
        "age_group": intake.age_group,
        "location": intake.location,
        "sector": intake.sector,
        "urgent": intake.urgent,
        "indicators": intake.indicators,
        "assessment": intake.assessment,
        "needs": intake.needs,
        "has_contact": intake.contact_sealed is not None,
        "consent": intake.consent,
        "status": intake.status,
    }

