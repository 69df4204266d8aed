"""Retention: conversation events older than the limit are deleted.

Works on Rasa's SQL tracker store (table `events`, `timestamp` in epoch
seconds), SQLite or PostgreSQL. `make run` purges at start; in production run
`python -m bot purge` daily (cron or a Kubernetes CronJob).
"""

from __future__ import annotations

import time
from pathlib import Path

import sqlalchemy as sa


def purge_tracker_store(db_url: str, days: int, now: float | None = None) -> int:
    """Delete events older than `days`; returns how many were deleted."""
    if days < 1:
        raise ValueError("retention must be at least one day")
    cutoff = (now if now is not None else time.time()) - days * 86400
    url = sa.engine.make_url(db_url)
    if url.drivername.startswith("sqlite") and url.database and not Path(url.database).exists():
        return 0  # nothing stored yet
    engine = sa.create_engine(db_url)
    try:
        with engine.begin() as connection:
            if not sa.inspect(connection).has_table("events"):
                return 0
            result = connection.execute(
                sa.text("DELETE FROM events WHERE timestamp < :cutoff"), {"cutoff": cutoff}
            )
            return result.rowcount or 0
    finally:
        engine.dispose()
