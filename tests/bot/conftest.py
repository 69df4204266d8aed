"""Fixtures the assistant's unit tests share."""

import pytest

from bot.server.stores import PrivateSQLTrackerStore, sql_store_arguments
from tests.support.services import temporary_postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """The private tracker store on SQLite and on a PostgreSQL database made for the test."""
    if request.param == "sqlite":
        yield PrivateSQLTrackerStore(**sql_store_arguments(f"sqlite:///{tmp_path}/tracker.db"))
    else:
        with temporary_postgres_database() as url:
            store = PrivateSQLTrackerStore(**sql_store_arguments(url))
            yield store
            store.engine.dispose()
