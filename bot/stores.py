"""Tracker and lock stores configured from TRACKER_DB_URL and LOCK_STORE_URL.

Rasa's SQLTrackerStore and RedisLockStore take host/port/db pieces; our
settings are URLs (12-factor), so these factories translate. Referenced from
endpoints.yml as `type: bot.stores.EnvTrackerStore` / `bot.stores.EnvLockStore`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Optional

from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy.engine import make_url

from bot.settings import load_settings


def sql_store_arguments(url: str) -> Dict[str, Any]:
    """SQLTrackerStore keyword arguments for a SQLAlchemy URL."""
    parsed = make_url(url)
    dialect = parsed.drivername.split("+")[0]
    if dialect == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return {"dialect": "sqlite", "db": parsed.database}
    return {
        "dialect": parsed.drivername,
        "host": parsed.host,
        "port": parsed.port,
        "db": parsed.database,
        "username": parsed.username,
        "password": parsed.password,
        "query": dict(parsed.query) or None,
    }


def redis_lock_arguments(url: str) -> Dict[str, Any]:
    parsed = make_url(url)
    return {
        "host": parsed.host or "localhost",
        "port": parsed.port or 6379,
        "db": int(parsed.database or 0),
        "username": parsed.username,
        "password": parsed.password,
        "use_ssl": parsed.drivername == "rediss",
        "key_prefix": "paligs",
    }


class EnvTrackerStore:
    """Factory: builds the SQLTrackerStore that TRACKER_DB_URL names."""

    def __new__(cls, domain=None, event_broker=None, host=None, **_: Any) -> SQLTrackerStore:  # type: ignore[misc]
        arguments = sql_store_arguments(load_settings().tracker_db_url)
        return SQLTrackerStore(domain=domain, event_broker=event_broker, **arguments)


class EnvLockStore:
    """Factory: Redis when LOCK_STORE_URL is set, else in memory (one process)."""

    def __new__(cls, endpoint_config: Optional[Any] = None, **_: Any) -> LockStore:  # type: ignore[misc]
        url = load_settings().lock_store_url
        if not url:
            return InMemoryLockStore()
        return RedisLockStore(**redis_lock_arguments(url))
