"""Retention on real databases, SQLite and the machine's PostgreSQL, in the schema
Rasa's own SQLTrackerStore creates and with events it saved (PrivateSQLTrackerStore,
which the server uses, keeps the same table)."""

import asyncio
import time

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.server.stores import sql_store_arguments
from bot.tooling.retention import purge_tracker_store
from tests.support.services import temporary_postgres_database

DAY = 86400
RETENTION_DAYS = 30


def session(days_ago: float, now: float, text: str) -> list:
    """One conversation session as Rasa records it, `days_ago` days before `now`."""
    at = now - days_ago * DAY
    return [
        ActionExecuted("action_session_start", timestamp=at),
        SessionStarted(timestamp=at),
        ActionExecuted("action_listen", timestamp=at),
        UserUttered(text, intent={"name": "greet", "confidence": 1.0}, timestamp=at + 1),
        ActionExecuted("utter_greet", timestamp=at + 2),
        BotUttered("Hello", timestamp=at + 2),
        ActionExecuted("action_listen", timestamp=at + 3),
    ]


def conversations(now: float) -> dict:
    return {
        "all-old": session(40, now, "forty days ago"),
        "all-recent": session(1, now, "yesterday"),
        # an old session, one that started exactly at the limit (kept), a recent one
        "old-and-new": session(31, now, "a month ago") + session(RETENTION_DAYS, now, "at the limit")
        + session(2, now, "two days ago"),
    }


def store_for(url: str) -> SQLTrackerStore:
    return SQLTrackerStore(domain=Domain.empty(), **sql_store_arguments(url))


async def save_all(url: str, now: float) -> dict:
    store = store_for(url)
    try:
        for sender, events in conversations(now).items():
            await store.save(DialogueStateTracker.from_events(sender, events))
        return {sender: await store.retrieve_full_tracker(sender) for sender in await store.keys()}
    finally:
        store.engine.dispose()


async def stored(url: str) -> dict:
    store = store_for(url)
    try:
        return {sender: await store.retrieve_full_tracker(sender) for sender in await store.keys()}
    finally:
        store.engine.dispose()


def as_dicts(events) -> list:
    return [event.as_dict() for event in events]


def check_purge(url: str) -> None:
    now = time.time()
    cutoff = now - RETENTION_DAYS * DAY
    written = conversations(now)

    # Positive control: Rasa made its schema and holds every event of every conversation.
    before = asyncio.run(save_all(url, now))
    assert sorted(before) == sorted(written)
    for sender, events in written.items():
        assert as_dicts(before[sender].events) == as_dicts(events), sender

    old = sum(1 for events in written.values() for event in events if event.timestamp < cutoff)
    assert old == 14  # two whole sessions: "all-old" and the first of "old-and-new"
    assert purge_tracker_store(url, RETENTION_DAYS, now=now) == old

    after = asyncio.run(stored(url))
    assert sorted(after) == ["all-recent", "old-and-new"]  # the old conversation is gone entirely
    assert as_dicts(after["all-recent"].events) == as_dicts(written["all-recent"])
    kept = [event for event in written["old-and-new"] if event.timestamp >= cutoff]
    assert len(kept) == 14 and kept[0].timestamp == cutoff
    assert as_dicts(after["old-and-new"].events) == as_dicts(kept)

    assert purge_tracker_store(url, RETENTION_DAYS, now=now) == 0
    assert sorted(asyncio.run(stored(url))) == ["all-recent", "old-and-new"]


def test_purge_on_sqlite(tmp_path):
    check_purge(f"sqlite:///{tmp_path}/tracker.db")


def test_purge_on_postgresql():
    with temporary_postgres_database() as url:
        check_purge(url)


def test_purge_before_anything_was_stored_is_a_no_op_and_creates_nothing(tmp_path):
    path = tmp_path / "empty.db"
    assert purge_tracker_store(f"sqlite:///{path}", RETENTION_DAYS) == 0
    assert not path.exists()


def test_retention_must_be_positive(tmp_path):
    with pytest.raises(ValueError):
        purge_tracker_store(f"sqlite:///{tmp_path}/x.db", 0)
