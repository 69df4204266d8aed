import asyncio
import json
import logging

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.server.stores import (
    REDACTED,
    EnvTrackerStore,
    redacted,
    redis_lock_arguments,
    sql_store_arguments,
)


@pytest.mark.parametrize(
    "url, expected",
    [
        ("sqlite:///var/test-tracker.db", {"dialect": "sqlite", "db": "var/test-tracker.db"}),
        (
            "postgresql://paligs:s3cret@db.example:5433/tracker",
            {"dialect": "postgresql", "host": "db.example", "port": 5433, "db": "tracker",
             "username": "paligs", "password": "s3cret", "query": None},
        ),
        (
            "postgresql+psycopg2://u@localhost/t?sslmode=require",
            {"dialect": "postgresql+psycopg2", "host": "localhost", "port": None, "db": "t",
             "username": "u", "password": None, "query": {"sslmode": "require"}},
        ),
    ],
)
def test_sql_store_arguments(url, expected, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert sql_store_arguments(url) == expected


@pytest.mark.parametrize(
    "url, expected",
    [
        ("redis://localhost:6379/2", {"host": "localhost", "port": 6379, "db": 2, "use_ssl": False}),
        ("rediss://:pw@cache:6380", {"host": "cache", "port": 6380, "db": 0, "use_ssl": True, "password": "pw"}),
    ],
)
def test_redis_lock_arguments(url, expected):
    arguments = redis_lock_arguments(url)
    assert {key: arguments[key] for key in expected} == expected
    assert arguments["key_prefix"] == "paligs"


# --- Personal data in stored user messages (bot/privacy/redaction.py applied by the store) ---

PHONE = "+371 2 123 4567"
PASSPORT = "AB1234567"
HOTLINE_TEXT = "Call the hotline 8000 2012 any time."  # ours: stored as the bot said it


def said(text, intent, entities=()):
    """A user message as Rasa records it, with its parse data."""
    parse_data = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": list(entities)}
    return UserUttered(text, parse_data["intent"], parse_data["entities"], parse_data)


@pytest.mark.parametrize(
    "text, entities, stored_text, stored_values",
    [
        (f"my boss took my passport {PASSPORT}", [], "my boss took my passport [passport]", []),
        (f"звоните {PHONE}", [{"entity": "language", "value": PHONE, "start": 8, "end": 23}], "звоните [phone]",
         ["[phone]"]),
        ("I am 16", [{"entity": "language", "value": "ru", "start": 0, "end": 1}], "I am 16", ["ru"]),
        ("2", [], "2", []),
    ],
)
def test_a_user_event_is_stored_redacted(text, entities, stored_text, stored_values):
    data = said(text, "report_documents_taken", entities).as_dict()
    stored = redacted(data)
    assert stored["text"] == stored_text and stored["parse_data"]["text"] == stored_text
    assert [e["value"] for e in stored["parse_data"]["entities"]] == stored_values
    assert stored["parse_data"]["intent"] == data["parse_data"]["intent"]
    assert {k: v for k, v in stored.items() if k not in ("text", "parse_data")} == {
        k: v for k, v in data.items() if k not in ("text", "parse_data")
    }
    assert data["text"] == text  # the event given in is not changed


def conversation():
    return [
        ActionExecuted("action_listen"),
        said(f"my boss took my passport {PASSPORT}", "report_documents_taken"),
        BotUttered(HOTLINE_TEXT),
        ActionExecuted("action_listen"),
        said("/request_handoff", "request_handoff"),
        ActionExecuted("handoff_form"),
        SlotSet("requested_slot", "contact_value"),
        ActionExecuted("action_listen"),
        said(PHONE, "out_of_scope"),  # the contact reply: sealed, not just redacted
        SlotSet("contact_value", "sealed:v1:abc"),
        SlotSet("requested_slot", "contact_time"),
        ActionExecuted("action_listen"),
        said(f"and my mail is john.doe@mail.ru, tel {PHONE}", "inform"),
    ]


def test_the_store_keeps_placeholders_not_personal_data(store):
    tracker = DialogueStateTracker.from_events("person-3", conversation())
    asyncio.run(store.save(tracker))
    with store.session_scope() as session:
        rows = session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == "person-3").all()
        stored = [(row.intent_name, json.loads(row.data)) for row in rows]
    # Positive control: every event is there, the messages with their intents.
    assert len(stored) == len(conversation())
    users = [(intent, data["text"]) for intent, data in stored if data["event"] == "user"]
    assert users == [
        ("report_documents_taken", "my boss took my passport [passport]"),
        ("request_handoff", "/request_handoff"),
        ("out_of_scope", REDACTED),
        ("inform", "and my mail is [email], tel [phone]"),
    ]
    assert [d["text"] for _, d in stored if d["event"] == "bot"] == [HOTLINE_TEXT]
    everything = json.dumps([d for _, d in stored], ensure_ascii=False)
    for raw in (PASSPORT, "123 4567", "john.doe", "mail.ru"):
        assert raw not in everything
    # The running conversation still holds what was typed.
    assert tracker.latest_message.text == f"and my mail is john.doe@mail.ru, tel {PHONE}"


def test_building_the_store_installs_log_redaction(tmp_path, monkeypatch):
    saved = logging.getLogRecordFactory()
    monkeypatch.setenv("TRACKER_DB_URL", f"sqlite:///{tmp_path}/tracker.db")
    monkeypatch.setenv("PALIGS_ENV", "development")  # the store factory checks secrets first
    try:
        assert not getattr(saved, "redacts", False)
        EnvTrackerStore()
        record = logging.getLogger("rasa.core.processor").makeRecord(
            "rasa.core.processor", logging.DEBUG, __file__, 1, "Received user message '%s'", (PHONE,), None
        )
        assert record.getMessage() == "Received user message '[phone]'"
    finally:
        logging.setLogRecordFactory(saved)


def test_an_sqlite_store_writes_ahead(tmp_path, monkeypatch):
    import sqlite3

    monkeypatch.setenv("TRACKER_DB_URL", f"sqlite:///{tmp_path}/tracker.db")
    monkeypatch.setenv("PALIGS_ENV", "development")
    saved = logging.getLogRecordFactory()
    try:
        store = EnvTrackerStore()
        tracker = DialogueStateTracker.from_events("wal-1", [UserUttered("hello", {"name": "greet"})])
        asyncio.run(store.save(tracker))
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
            assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
        assert store.engine.pool.size() == 2  # kept open and reused, not one per session
        # a property of the file: any other reader sees it too
        assert sqlite3.connect(tmp_path / "tracker.db").execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert asyncio.run(store.retrieve("wal-1")).latest_message.text == "hello"
    finally:
        logging.setLogRecordFactory(saved)


def test_a_postgres_store_tests_kept_connections_before_use(monkeypatch):
    from tests.support.services import temporary_postgres_database

    monkeypatch.setenv("PALIGS_ENV", "development")
    monkeypatch.setenv("SQL_POOL_SIZE", "2")
    monkeypatch.setenv("SQL_MAX_OVERFLOW", "3")
    saved = logging.getLogRecordFactory()
    try:
        with temporary_postgres_database() as url:
            monkeypatch.setenv("TRACKER_DB_URL", url)
            store = EnvTrackerStore()
            assert store.engine.pool._pre_ping
            assert (store.engine.pool.size(), store.engine.pool._max_overflow) == (2, 3)
            asyncio.run(store.save(DialogueStateTracker.from_events("pg-1", [UserUttered("hi", {"name": "greet"})])))
            # the server ends every connection (as a restart would); the next read still works
            import sqlalchemy as sa

            with sa.create_engine(url).connect() as admin:
                admin.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                      "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
            assert asyncio.run(store.retrieve("pg-1")).latest_message.text == "hi"
            store.engine.dispose()
    finally:
        logging.setLogRecordFactory(saved)
