"""Real PostgreSQL and Redis for the production profile: databases made and dropped here.

These tests need the services; they fail (never skip) when a service is missing.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from typing import Iterator

import sqlalchemy as sa

PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@contextmanager
def temporary_postgres_database() -> Iterator[str]:
    """A fresh database on the machine's PostgreSQL; dropped afterwards."""
    name = "paligs_test_" + uuid.uuid4().hex[:10]
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        raise RuntimeError(f"PostgreSQL is needed at {PG_ADMIN_URL} (TEST_POSTGRES_URL): {error}") from error
    url = sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(
                sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name}
            )
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
