"""The funnel's counters, in the action server's outbox database (OUTBOX_DB_URL).

One row per week x campaign x language x channel x step with its count: nothing in it
could hold a conversation id or a person's words, so it outlives the conversations and
"delete my data" leaves it. Each count is one atomic upsert, on SQLite and PostgreSQL
alike. `pushed_count` is what the portal has confirmed, so a failed push loses nothing.
Counters older than FUNNEL_RETENTION_WEEKS go with `python -m bot purge` (Outbox.purge).
"""

from __future__ import annotations

import datetime as dt
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Dict, List, Optional

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from bot.campaigns.funnel import FunnelKey, iso_week

logger = logging.getLogger(__name__)

DIMENSIONS = ("week", "campaign", "language", "channel", "step")
# The dialects with INSERT ... ON CONFLICT DO UPDATE (SQLite >= 3.24).
UPSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}

metadata = sa.MetaData()
funnel_counts = sa.Table(
    "funnel_counts",
    metadata,
    sa.Column("week", sa.String(8), nullable=False),  # 2026-W49
    sa.Column("campaign", sa.String(40), nullable=False),  # a registered code, other or direct
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("step", sa.String(40), nullable=False),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("pushed_count", sa.Integer, nullable=False, default=0),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.PrimaryKeyConstraint(*DIMENSIONS, name="pk_funnel_counts"),
)


@dataclass(frozen=True)
class Counted:
    key: FunnelKey
    count: int


def _now() -> dt.datetime:
    return dt.datetime.utcnow().replace(microsecond=0)


class FunnelCounts:
    """The counters on `engine`: weeks on the calendar of `timezone`, kept `retention_weeks`."""

    def __init__(self, engine: Engine, timezone: str, retention_weeks: int) -> None:
        if engine.dialect.name not in UPSERTS:
            raise ValueError(f"the funnel counts on SQLite or PostgreSQL, not {engine.dialect.name}")
        self.engine, self.timezone, self.retention_weeks = engine, timezone, retention_weeks
        metadata.create_all(engine)

    def week_of(self, moment: Optional[dt.datetime] = None) -> str:
        return iso_week(moment or dt.datetime.now(dt.timezone.utc), self.timezone)

    def increment(self, key: FunnelKey, now: Optional[dt.datetime] = None) -> None:
        """One more for `key`, atomically: concurrent counts of the same key all land."""
        now = now or _now()
        insert = UPSERTS[self.engine.dialect.name](funnel_counts).values(
            **_dimensions(key), count=1, pushed_count=0, updated_at=now
        )
        upsert = insert.on_conflict_do_update(
            index_elements=list(DIMENSIONS),
            set_={"count": funnel_counts.c.count + 1, "updated_at": insert.excluded.updated_at},
        )
        with self.engine.begin() as conn:
            conn.execute(upsert)

    def unpushed(self, limit: int) -> List[Counted]:
        """Counters the portal has not confirmed at their current count, in a stable order."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(funnel_counts)
                .where(funnel_counts.c.count > funnel_counts.c.pushed_count)
                .order_by(*(funnel_counts.c[name] for name in DIMENSIONS))
                .limit(limit)
            ).all()
        return [Counted(_key(row), row._mapping["count"]) for row in rows]

    def mark_pushed(self, pushed: List[Counted]) -> None:
        """The portal holds these counts. A counter that grew meanwhile stays due."""
        if not pushed:
            return
        dimension = {name: funnel_counts.c[name] for name in DIMENSIONS}
        statement = (
            funnel_counts.update()
            .where(*(column == sa.bindparam(f"b_{name}") for name, column in dimension.items()))
            .where(funnel_counts.c.pushed_count < sa.bindparam("b_count"))
            .values(pushed_count=sa.bindparam("b_count"))
        )
        with self.engine.begin() as conn:
            conn.execute(statement, [
                {**{f"b_{name}": value for name, value in _dimensions(item.key).items()}, "b_count": item.count}
                for item in pushed
            ])

    def purge(self, now: Optional[dt.datetime] = None) -> int:
        """Forget the weeks before the last `retention_weeks` (ISO week strings sort by time)."""
        oldest_kept = self.week_of((now or _now()) - dt.timedelta(weeks=self.retention_weeks))
        with self.engine.begin() as conn:
            return conn.execute(funnel_counts.delete().where(funnel_counts.c.week < oldest_kept)).rowcount or 0

    def totals(self) -> Dict[FunnelKey, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(funnel_counts)).all()
        return {_key(row): row._mapping["count"] for row in rows}


def _dimensions(key: FunnelKey) -> Dict[str, str]:
    return {name: getattr(key, name) for name in DIMENSIONS}


def _key(row: sa.engine.Row) -> FunnelKey:
    return FunnelKey(*(row._mapping[name] for name in DIMENSIONS))


class FunnelRecorder:
    """Counts in a thread of its own, one at a time: a slow or locked database delays a count,
    never a reply, and never takes the threads the handoff's database calls run in."""

    def __init__(self, counts: FunnelCounts) -> None:
        self.counts = counts
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="funnel")

    def record(self, key: FunnelKey) -> None:
        self._executor.submit(self._increment, key)

    def flush(self, timeout: float = 30) -> None:
        """Wait until every count recorded so far is written (the executor runs them in order)."""
        self._executor.submit(lambda: None).result(timeout)

    def _increment(self, key: FunnelKey) -> None:
        try:
            self.counts.increment(key)
        except Exception as error:  # a lost count must not end the thread; the key holds nothing personal
            logger.warning("funnel: a %s count was lost (%s)", key.step, type(error).__name__)
