"""Intakes, notes, staff users, sessions, login attempts and the audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

from portal.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("provider", sa.String(16), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("totp_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("totp_key_id", sa.String(32), nullable=False),
        sa.Column("totp_last_step", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "intakes",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("reference", sa.String(8), nullable=False, unique=True),
        sa.Column("provider", sa.String(16), nullable=False, index=True),
        sa.Column("created_on", sa.Date(), nullable=False, index=True),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("source", sa.String(64), nullable=True),
        sa.Column("age_group", sa.String(16), nullable=False),
        sa.Column("location", sa.String(16), nullable=True),
        sa.Column("sector", sa.String(64), nullable=True),
        sa.Column("urgent", sa.Boolean(), nullable=False, index=True),
        sa.Column("signal", sa.String(32), nullable=False),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("assessment", sa.JSON(), nullable=False),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column("consent", sa.JSON(), nullable=False),
        sa.Column("has_contact", sa.Boolean(), nullable=False),
        sa.Column("contact_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("contact_key_id", sa.String(32), nullable=True),
        sa.Column("contact_erased_at", UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("assigned_to", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("withdrawn_at", UTCDateTime(), nullable=True),
        sa.Column("notified_at", UTCDateTime(), nullable=True),
    )
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("intake_id", sa.String(36), sa.ForeignKey("intakes.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("text_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("text_key_id", sa.String(32), nullable=False),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("second_factor_done", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", UTCDateTime(), nullable=False, index=True),
        sa.Column("email", sa.String(254), nullable=False, index=True),
        sa.Column("client", sa.String(64), nullable=False, index=True),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", UTCDateTime(), nullable=False, index=True),
        sa.Column("actor", sa.String(254), nullable=False),
        sa.Column("actor_provider", sa.String(16), nullable=True, index=True),
        sa.Column("provider", sa.String(16), nullable=True, index=True),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("reference", sa.String(8), nullable=True, index=True),
        sa.Column("detail", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    for table in ("audit_events", "login_attempts", "sessions", "notes", "intakes", "users"):
        op.drop_table(table)
