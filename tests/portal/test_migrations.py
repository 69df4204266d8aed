"""Alembic on real SQLite and PostgreSQL: upgrade from empty, downgrade one step,
and the models agree with what the migrations build."""

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from portal import db
from portal.models import Base


def head() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(db.alembic_config("")).get_current_head()


def schema_differences(url: str) -> list:
    async def compare():
        engine = db.make_engine(url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(
                    lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
                )
        finally:
            await engine.dispose()

    return asyncio.run(compare())


def test_upgrade_from_empty_and_downgrade_one_step(fresh_db):
    assert db.current_revision(fresh_db) is None
    db.upgrade(fresh_db)
    assert db.current_revision(fresh_db) == head()
    assert schema_differences(fresh_db) == []
    db.downgrade(fresh_db, "-1")
    assert db.current_revision(fresh_db) == "0003"
    db.upgrade(fresh_db)  # and back up again
    assert db.current_revision(fresh_db) == head()
    db.downgrade(fresh_db, "base")
    assert db.current_revision(fresh_db) is None


def test_the_funnel_table_comes_with_0004_and_goes_with_it(fresh_db):
    """One row per key on both databases (the API's upsert needs the unique key), and a
    downgrade to 0003 removes the table with its counts."""
    import pytest
    from sqlalchemy import inspect
    from sqlalchemy.exc import IntegrityError

    from portal.models import FunnelCount
    from tests.portal import helpers

    def tables() -> set[str]:
        async def read():
            engine = db.make_engine(fresh_db)
            try:
                async with engine.connect() as connection:
                    return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
            finally:
                await engine.dispose()

        return asyncio.run(read())

    db.upgrade(fresh_db, "0003")
    assert "funnel_counts" not in tables()
    db.upgrade(fresh_db, "0004")
    assert "funnel_counts" in tables()
    key = {"week": "2026-W49", "campaign": "emb-tashkent", "language": "uz", "channel": "web", "step": "chat_opened"}

    async def insert_twice(session):
        session.add(FunnelCount(**key, count=3))
        await session.flush()
        session.add(FunnelCount(**key, count=4))
        await session.flush()

    with pytest.raises(IntegrityError):
        helpers.run(insert_twice, fresh_db)

    async def insert_other_channel(session):
        session.add(FunnelCount(**key, count=3))
        session.add(FunnelCount(**{**key, "channel": "sms"}, count=4))

    helpers.run(insert_other_channel, fresh_db)
    db.downgrade(fresh_db, "0003")
    assert "funnel_counts" not in tables() and db.current_revision(fresh_db) == "0003"
