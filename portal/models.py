"""Tables of the intake service. The schema itself is owned by the Alembic
migrations in portal/migrations; these classes must match them (a test checks).

Personal data lives only in `*_sealed` columns (AES-GCM, see crypto.py): the
contact details a person chose to give, staff notes and TOTP secrets.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite forgets the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime")
            value = value.astimezone(dt.timezone.utc)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value


class Base(DeclarativeBase):
    pass


class Intake(Base):
    __tablename__ = "intakes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the sender's idempotency key
    reference: Mapped[str] = mapped_column(String(8), unique=True)
    provider: Mapped[str] = mapped_column(String(16), index=True)
    created_on: Mapped[dt.date] = mapped_column(Date, index=True)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    language: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(8))
    source: Mapped[str | None] = mapped_column(String(64))
    age_group: Mapped[str] = mapped_column(String(16))
    location: Mapped[str | None] = mapped_column(String(16))
    sector: Mapped[str | None] = mapped_column(String(64))
    urgent: Mapped[bool] = mapped_column(Boolean, index=True)
    signal: Mapped[str] = mapped_column(String(32))
    indicators: Mapped[list] = mapped_column(JSON)
    assessment: Mapped[dict] = mapped_column(JSON)
    needs: Mapped[list] = mapped_column(JSON)
    consent: Mapped[dict] = mapped_column(JSON)
    has_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    contact_key_id: Mapped[str | None] = mapped_column(String(32))
    contact_erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), index=True, default="new")
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    notified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # For an intake addressed to any provider: the one whose staff acknowledged it first.
    claimed_by: Mapped[str | None] = mapped_column(String(16))


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    intake_id: Mapped[str] = mapped_column(ForeignKey("intakes.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    provider: Mapped[str | None] = mapped_column(String(16))  # the author's: only its staff read the note
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    text_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    text_key_id: Mapped[str] = mapped_column(String(32))


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    provider: Mapped[str | None] = mapped_column(String(16))  # None for a coordinator
    role: Mapped[str] = mapped_column(String(16))
    # Both None until the person enrols through their one-time link (and the TOTP after an admin reset).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    totp_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    totp_key_id: Mapped[str | None] = mapped_column(String(32))
    totp_last_step: Mapped[int] = mapped_column(Integer, default=0)  # refuses a code used twice
    language: Mapped[str] = mapped_column(String(8), default="lv")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Session(Base):
    __tablename__ = "sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # HMAC of the cookie value
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    second_factor_done: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LoginThrottle(Base):
    """One counter per account or client address (keyed by an HMAC, never by what was
    typed), changed only by atomic UPDATEs: see auth.claim_attempt."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    blocked_until: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class Enrolment(Base):
    """A one-time link: a new user sets their password and TOTP ("enrol"), or a user
    whose TOTP an admin reset sets a new one ("totp"). Only the link's HMAC is kept."""

    __tablename__ = "enrolments"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    totp_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)  # the secret offered, until confirmed
    totp_key_id: Mapped[str | None] = mapped_column(String(32))


class RequestSignature(Base):
    """A signature the intake API accepted, kept until its timestamp is stale, so
    the same signed request cannot be used twice."""

    __tablename__ = "request_signatures"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)


class FunnelCount(Base):
    """How many conversations reached a step, per ISO week, campaign, language and
    channel: anonymous counts the assistant pushes (POST /api/funnel). A push holds
    absolute counts, so a key keeps the largest it was ever sent."""

    __tablename__ = "funnel_counts"
    __table_args__ = (
        UniqueConstraint("week", "campaign", "language", "channel", "step", name="uq_funnel_counts_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    week: Mapped[str] = mapped_column(String(8))  # "2026-W49": sorts as text, so retention compares text
    campaign: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(2))
    channel: Mapped[str] = mapped_column(String(8))
    step: Mapped[str] = mapped_column(String(40))
    count: Mapped[int] = mapped_column(Integer)


class AuditEvent(Base):
    """Append-only (database triggers refuse UPDATE and DELETE). No personal data:
    an intake is named by its reference, a person by nothing."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(254))  # staff e-mail, "assistant" or "system"
    actor_provider: Mapped[str | None] = mapped_column(String(16), index=True)
    provider: Mapped[str | None] = mapped_column(String(16), index=True)  # whose data it concerns
    action: Mapped[str] = mapped_column(String(32))
    reference: Mapped[str | None] = mapped_column(String(8), index=True)
    detail: Mapped[str] = mapped_column(Text, default="")
