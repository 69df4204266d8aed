"""The ids of a Telegram conversation's messages that /clear may delete from the person's chat.

The Bot API lets a bot delete its own messages and the person's in a private chat
for 48 hours, so that is how long an id is kept (less if the conversation
retention is shorter); older rows are removed on every write and by the purge
job. A row holds the conversation's pseudonymous id (tg-…), a message id and when
it was sent: never the chat id, which only arrives with the person's next update.
It lives in the tracker store's database (TRACKER_DB_URL), so every Rasa replica
sees the same ledger.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, List, Optional

import sqlalchemy
from sqlalchemy import BigInteger, Column, DateTime, Integer, MetaData, String, Table, delete, insert, select

from bot import sqlite

DELETABLE_FOR = dt.timedelta(hours=48)
# Telegram's 48 hours count from the message; a little margin so that a delete
# is never attempted on a message Telegram has just stopped allowing.
MARGIN = dt.timedelta(minutes=5)

metadata = MetaData()
messages = Table(
    "telegram_messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation", String(64), nullable=False, index=True),
    Column("message_id", BigInteger, nullable=False),
    Column("sent_at", DateTime, nullable=False, index=True),
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def keep_for(retention_days: int) -> dt.timedelta:
    return min(DELETABLE_FOR - MARGIN, dt.timedelta(days=max(0, retention_days)))


class MessageLedger:
    def __init__(self, url: str, retention_days: int = 30, engine: Optional[sqlalchemy.Engine] = None) -> None:
        self.keep = keep_for(retention_days)
        if engine is None:
            if sqlite.is_sqlite(url):
                engine = sqlalchemy.create_engine(url, connect_args=sqlite.connect_arguments())
                sqlite.use_pragmas(engine)
            else:
                engine = sqlalchemy.create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=3)
        self.engine = engine
        metadata.create_all(self.engine, checkfirst=True)

    def record(self, conversation: str, message_ids: Iterable[int], now: Optional[dt.datetime] = None) -> None:
        now = now or _now()
        rows = [{"conversation": conversation, "message_id": int(m), "sent_at": now} for m in message_ids]
        with self.engine.begin() as connection:
            connection.execute(delete(messages).where(messages.c.sent_at < now - self.keep))
            if rows:
                connection.execute(insert(messages), rows)

    def deletable(self, conversation: str, now: Optional[dt.datetime] = None) -> List[int]:
        """The conversation's message ids still within the window, oldest first, each once."""
        now = now or _now()
        query = (
            select(messages.c.message_id)
            .where(messages.c.conversation == conversation, messages.c.sent_at >= now - self.keep)
            .order_by(messages.c.message_id)
        )
        with self.engine.connect() as connection:
            return sorted({row.message_id for row in connection.execute(query)})

    def forget(self, conversation: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(messages).where(messages.c.conversation == conversation))

    def purge(self, now: Optional[dt.datetime] = None) -> int:
        now = now or _now()
        with self.engine.begin() as connection:
            return connection.execute(delete(messages).where(messages.c.sent_at < now - self.keep)).rowcount

    def dispose(self) -> None:
        self.engine.dispose()
