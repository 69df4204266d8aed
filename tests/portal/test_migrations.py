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
    assert db.current_revision(fresh_db) == "0002"
    db.upgrade(fresh_db)  # and back up again
    assert db.current_revision(fresh_db) == head()
    db.downgrade(fresh_db, "base")
    assert db.current_revision(fresh_db) is None
