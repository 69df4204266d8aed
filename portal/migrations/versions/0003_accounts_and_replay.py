"""Accounts and signed requests: atomic login throttle counters (instead of a
row per attempt that kept what was typed), one-time enrolment links, users
without a password or TOTP until they enrol, remembered request signatures,
the provider that claimed an intake for any provider, and the provider of a note.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

from portal.models import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(80), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", UTCDateTime(), nullable=False),
        sa.Column("blocked_until", UTCDateTime(), nullable=False, index=True),
    )
    op.drop_table("login_attempts")
    op.create_table(
        "enrolments",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("totp_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("totp_key_id", sa.String(32), nullable=True),
    )
    op.create_table(
        "request_signatures",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("expires_at", UTCDateTime(), nullable=False, index=True),
    )
    with op.batch_alter_table("users") as batch:
        batch.alter_column("password_hash", existing_type=sa.String(255), nullable=True)
        batch.alter_column("totp_sealed", existing_type=sa.LargeBinary(), nullable=True)
        batch.alter_column("totp_key_id", existing_type=sa.String(32), nullable=True)
    with op.batch_alter_table("intakes") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(16), nullable=True))
    with op.batch_alter_table("notes") as batch:
        batch.add_column(sa.Column("provider", sa.String(16), nullable=True))
    op.execute("UPDATE notes SET provider = (SELECT users.provider FROM users WHERE users.id = notes.author_id)")


def downgrade() -> None:
    with op.batch_alter_table("notes") as batch:
        batch.drop_column("provider")
    with op.batch_alter_table("intakes") as batch:
        batch.drop_column("claimed_by")
    op.execute("DELETE FROM users WHERE password_hash IS NULL OR totp_sealed IS NULL")
    with op.batch_alter_table("users") as batch:
        batch.alter_column("password_hash", existing_type=sa.String(255), nullable=False)
        batch.alter_column("totp_sealed", existing_type=sa.LargeBinary(), nullable=False)
        batch.alter_column("totp_key_id", existing_type=sa.String(32), nullable=False)
    op.drop_table("request_signatures")
    op.drop_table("enrolments")
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", UTCDateTime(), nullable=False, index=True),
        sa.Column("email", sa.String(254), nullable=False, index=True),
        sa.Column("client", sa.String(64), nullable=False, index=True),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
    )
    op.drop_table("login_throttle")
