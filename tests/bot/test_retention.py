"""Retention on real databases: SQLite and the machine's PostgreSQL."""

import time

import pytest
import sqlalchemy as sa

from bot.tooling.retention import purge_tracker_store
from tests.support.services import temporary_postgres_database

DAY = 86400


def _seed(url: str, now: float) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), type_name VARCHAR(255), "
            "timestamp FLOAT, data TEXT)"))
        for i, age_days in enumerate([40, 31, 29, 1]):
            connection.execute(sa.text("INSERT INTO events VALUES (:i, 'a', 'user', :t, '{}')"),
                               {"i": i, "t": now - age_days * DAY})
    engine.dispose()


def _remaining(url: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        count = connection.execute(sa.text("SELECT COUNT(*) FROM events")).scalar()
    engine.dispose()
    return count


def _check(url: str) -> None:
    now = time.time()
    _seed(url, now)
    assert purge_tracker_store(url, 30, now=now) == 2
    assert _remaining(url) == 2
    assert purge_tracker_store(url, 30, now=now) == 0


def test_purge_on_sqlite(tmp_path):
    _check(f"sqlite:///{tmp_path}/tracker.db")


def test_purge_on_postgresql():
    with temporary_postgres_database() as url:
        _check(url)


def test_purge_without_a_tracker_table_is_a_no_op(tmp_path):
    assert purge_tracker_store(f"sqlite:///{tmp_path}/empty.db", 30) == 0


def test_retention_must_be_positive(tmp_path):
    with pytest.raises(ValueError):
        purge_tracker_store(f"sqlite:///{tmp_path}/x.db", 0)
