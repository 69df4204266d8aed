"""The durable outbox: an intake is written here before the person is told it is
sent, and a worker delivers it to the intake service, retrying with backoff.

Delivery is at least once from here and exactly once at the receiver, which
stores an intake once by its `id`. Bodies are sealed at rest and dropped once
delivered; what stays (reference, conversation key, times) lets "delete my
data" withdraw an intake later. Blocking database calls run in a thread.

The same database keeps the anonymous funnel counters (bot/campaigns/funnel_store.py):
`Outbox.funnel`, purged with the outbox.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from bot import sqlite
from bot.campaigns.funnel_store import FunnelCounts
from bot.handoff.reference import new_reference
from bot.handoff.sealing import SealingError, seal, unseal
from bot.settings import Settings

logger = logging.getLogger(__name__)

INTAKE, WITHDRAW = "intake", "withdraw"
OUTBOX_PURPOSE = b"outbox"
MAX_BACKOFF = dt.timedelta(minutes=30)

metadata = sa.MetaData()
messages = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("reference", sa.String(8), nullable=False),
    sa.Column("conversation", sa.String(64), nullable=False, index=True),
    sa.Column("body", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", sa.DateTime, nullable=False),
    sa.Column("delivered_at", sa.DateTime, nullable=True),
    sa.Column("last_error", sa.String(200), nullable=True),
    sa.UniqueConstraint("kind", "reference", name="uq_outbox_kind_reference"),
)


@dataclass(frozen=True)
class Pending:
    id: str
    kind: str
    reference: str
    body: bytes  # what to POST (already unsealed)
    attempts: int


def backoff(attempts: int) -> dt.timedelta:
    """2 s, 4 s, 8 s ... capped at 30 minutes."""
    return min(dt.timedelta(seconds=2 ** min(attempts, 20)), MAX_BACKOFF)


def _now() -> dt.datetime:
    return dt.datetime.utcnow().replace(microsecond=0)


def engine_arguments(url: str, pool_size: Optional[int], max_overflow: Optional[int]) -> Dict[str, Any]:
    """create_engine's keyword arguments. On PostgreSQL (any driver) the pool is sized as given, because
    every action server's pool counts against the database's max_connections; SQLite, or a size not
    given, keeps SQLAlchemy's own."""
    arguments: Dict[str, Any] = {"future": True}
    if sqlite.is_sqlite(url):
        arguments["connect_args"] = sqlite.connect_arguments()
    if make_url(url).get_backend_name() == "postgresql":
        sizes = {"pool_size": pool_size, "max_overflow": max_overflow}
        arguments.update({name: value for name, value in sizes.items() if value is not None})
    return arguments


class Outbox:
    def __init__(
        self,
        url: str,
        key: str,
        pool_size: Optional[int] = None,
        max_overflow: Optional[int] = None,
        timezone: str = "Europe/Riga",
        funnel_retention_weeks: int = 156,
    ) -> None:
        parsed = make_url(url)
        if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = sa.create_engine(url, **engine_arguments(url, pool_size, max_overflow))
        if sqlite.is_sqlite(url):
            sqlite.use_pragmas(self.engine)
        self.key = key
        metadata.create_all(self.engine)
        self.funnel = FunnelCounts(self.engine, timezone, funnel_retention_weeks)

    @classmethod
    def from_settings(cls, settings: Settings) -> "Outbox":
        """The outbox the action server and `python -m bot purge` open: OUTBOX_DB_URL, sealed with
        SENDER_KEY, OUTBOX_POOL_SIZE + OUTBOX_MAX_OVERFLOW connections on PostgreSQL; funnel weeks on
        PALIGS_TIMEZONE's calendar, kept FUNNEL_RETENTION_WEEKS."""
        return cls(
            settings.outbox_db_url, settings.sender_key, settings.outbox_pool_size, settings.outbox_max_overflow,
            settings.timezone, settings.funnel_retention_weeks,
        )

    def new_reference(self) -> str:
        """A reference no intake in the outbox has (40 random bits; draw again on a clash)."""
        with self.engine.connect() as conn:
            while True:
                reference = new_reference()
                taken = conn.execute(
                    sa.select(messages.c.id).where(messages.c.reference == reference)
                ).first()
                if taken is None:
                    return reference

    def add_intake(self, intake: dict, conversation: str) -> None:
        body = json.dumps(intake, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        now = _now()
        with self.engine.begin() as conn:
            conn.execute(
                messages.insert().values(
                    id=str(intake["id"]), kind=INTAKE, reference=str(intake["reference"]),
                    conversation=conversation, body=seal(self.key, body, OUTBOX_PURPOSE),
                    created_at=now, attempts=0, next_attempt_at=now,
                )
            )

    def references_of(self, conversation: str) -> List[str]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(messages.c.reference).where(
                    messages.c.conversation == conversation, messages.c.kind == INTAKE
                )
            )
            return [row.reference for row in rows]

    def intakes_since(self, conversation: str, since: dt.datetime) -> int:
        """How many intakes this conversation queued from `since` (naive UTC) on;
        one withdrawn before it left is gone from the outbox and not counted."""
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(sa.func.count()).select_from(messages).where(
                    messages.c.conversation == conversation,
                    messages.c.kind == INTAKE,
                    messages.c.created_at >= since,
                )
            ).scalar_one()

    def withdraw(self, reference: str, conversation: str) -> str:
        """"cancelled" if the intake had not left yet (it never will), "queued" if a
        withdrawal goes to the portal, "unknown" if this conversation sent no intake
        with that reference: a conversation can only ever withdraw its own."""
        now = _now()
        own_intake = (
            messages.c.kind == INTAKE, messages.c.reference == reference, messages.c.conversation == conversation
        )
        with self.engine.begin() as conn:
            cancelled = conn.execute(messages.delete().where(*own_intake, messages.c.delivered_at.is_(None))).rowcount
            if cancelled:
                return "cancelled"
            if conn.execute(sa.select(messages.c.id).where(*own_intake)).first() is None:
                return "unknown"
            exists = conn.execute(
                sa.select(messages.c.id).where(messages.c.kind == WITHDRAW, messages.c.reference == reference)
            ).first()
            if exists is None:
                conn.execute(
                    messages.insert().values(
                        id=str(uuid.uuid4()), kind=WITHDRAW, reference=reference, conversation=conversation,
                        body=None, created_at=now, attempts=0, next_attempt_at=now,
                    )
                )
            return "queued"

    def due(self, limit: int = 20, now: Optional[dt.datetime] = None) -> List[Pending]:
        now = now or _now()
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(messages)
                .where(messages.c.delivered_at.is_(None), messages.c.next_attempt_at <= now)
                .order_by(messages.c.created_at)
                .limit(limit)
            ).all()
        pending = []
        for row in rows:
            try:
                body = unseal(self.key, row.body, OUTBOX_PURPOSE).encode("utf-8") if row.body else b"{}"
            except SealingError:
                # Sealed under another SENDER_KEY: kept, not sent, until that key is back.
                logger.error("outbox: %s %s cannot be opened with this SENDER_KEY", row.kind, row.reference)
                continue
            pending.append(Pending(id=row.id, kind=row.kind, reference=row.reference, attempts=row.attempts, body=body))
        return pending

    def delivered(self, message_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                messages.update().where(messages.c.id == message_id).values(delivered_at=_now(), body=None)
            )

    def failed(self, message: Pending, error: str, now: Optional[dt.datetime] = None) -> None:
        now = now or _now()
        with self.engine.begin() as conn:
            conn.execute(
                messages.update()
                .where(messages.c.id == message.id)
                .values(
                    attempts=message.attempts + 1,
                    next_attempt_at=now + backoff(message.attempts + 1),
                    last_error=error[:200],
                )
            )

    def purge(self, days: int, now: Optional[dt.datetime] = None) -> int:
        """Forget delivered messages older than `days` (the conversations they came
        from are gone by then, so nothing could withdraw through them any more), and
        funnel counters past their own, longer retention. Returns the messages forgotten."""
        now = now or _now()
        cutoff = now - dt.timedelta(days=days)
        with self.engine.begin() as conn:
            removed = conn.execute(
                messages.delete().where(messages.c.delivered_at.is_not(None), messages.c.delivered_at < cutoff)
            ).rowcount or 0
        counters = self.funnel.purge(now)
        logger.info("purge: %d funnel counters older than %d weeks removed", counters, self.funnel.retention_weeks)
        return removed

    def pending_count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(sa.func.count()).select_from(messages).where(messages.c.delivered_at.is_(None))
            ).scalar_one()
