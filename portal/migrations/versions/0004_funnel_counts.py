"""Funnel counts: the anonymous weekly counts per campaign, language, channel and
step that the assistant pushes to /api/funnel (one row per key, the largest count kept).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "funnel_counts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("week", sa.String(8), nullable=False),
        sa.Column("campaign", sa.String(40), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("step", sa.String(40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.UniqueConstraint("week", "campaign", "language", "channel", "step", name="uq_funnel_counts_key"),
    )


def downgrade() -> None:
    op.drop_table("funnel_counts")
