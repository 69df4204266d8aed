"""Tracker and lock stores configured from TRACKER_DB_URL and LOCK_STORE_URL.

Rasa's SQLTrackerStore and RedisLockStore take host/port/db pieces; our
settings are URLs (12-factor), so these factories translate. The tracker store
also keeps the privacy promises (PrivateSQLTrackerStore), and building it installs
log redaction in the Rasa process (bot/privacy/logs.py). Referenced from
endpoints.yml as `type: bot.server.stores.EnvTrackerStore` / `bot.server.stores.EnvLockStore`.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Set

import sqlalchemy
import sqlalchemy.orm
import sqlalchemy.pool
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from bot import sqlite
from bot.privacy import logs
from bot.privacy.redaction import redact
from bot.server import action_connections, action_response_check, event_types, funnel_counts, store_failures
from bot.settings import RASA_SERVER_SECRETS, load_settings, require_real_secrets

logger = logging.getLogger(__name__)


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


ERASE_ACTION = "action_delete_data"
CONTACT_SLOT = "contact_value"
REDACTED = "[contact details, sealed]"


def erase_requested(events: List[Event]) -> bool:
    """Whether "delete my data" ran in the latest turn (after the latest message)."""
    for event in reversed(events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == ERASE_ACTION:
            return True
    return False


def contact_replies(events: List[Event]) -> Set[int]:
    """Indexes of the messages that answered the contact question: their text is
    the person's number or address, which is kept only sealed in a slot."""
    requested, found = None, set()
    for index, event in enumerate(events):
        if isinstance(event, SlotSet) and event.key == "requested_slot":
            requested = event.value
        elif isinstance(event, UserUttered) and requested == CONTACT_SLOT:
            found.add(index)
    return found


def sealed(data: Dict[str, Any]) -> Dict[str, Any]:
    """A contact reply as stored: nothing of what was typed."""
    data = dict(data, text=REDACTED)
    if isinstance(data.get("parse_data"), dict):
        data["parse_data"] = dict(data["parse_data"], text=REDACTED, entities=[])
    return data


def redacted(data: Dict[str, Any]) -> Dict[str, Any]:
    """A user message as stored: personal data in its text, in the parse data's text
    and in entity values replaced by placeholders. The running turn keeps the
    original (the tracker in memory); only the stored copy changes."""
    data = _with_text_redacted(data, "text")
    if isinstance(data.get("parse_data"), dict):
        parse_data = _with_text_redacted(data["parse_data"], "text")
        if isinstance(parse_data.get("entities"), list):
            parse_data["entities"] = [_with_text_redacted(e, "value") for e in parse_data["entities"]]
        data["parse_data"] = parse_data
    return data


def _with_text_redacted(item: Any, key: str) -> Any:
    if isinstance(item, dict) and isinstance(item.get(key), str):
        return dict(item, **{key: redact(item[key])})
    return item


class PrivateSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store, plus the privacy promises: a typed contact detail
    never reaches the database in clear, other personal data in a user message is
    replaced by placeholders, and "delete my data" removes the whole conversation.
    (No event broker is used: events leave only through here.)"""

    async def save(self, tracker: DialogueStateTracker) -> None:
        events = list(tracker.events)
        with self.session_scope() as session:
            if erase_requested(events):
                session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == tracker.sender_id).delete(
                    synchronize_session=False
                )
                session.commit()
                return
            already = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
            hidden = contact_replies(events)
            for index in range(already, len(events)):
                event = events[index]
                data = event.as_dict()
                if index in hidden:
                    data = sealed(data)
                elif isinstance(event, UserUttered):
                    data = redacted(data)
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=(data.get("parse_data") or {}).get("intent", {}).get("name"),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
        # After the commit: the count never holds the turn up, nor fails it.
        funnel_counts.count_turn(tracker.current_slot_values(), events[:already], events[already:])


class EnvTrackerStore:
    """Factory: builds the private SQL tracker store that TRACKER_DB_URL names."""

    def __new__(cls, domain=None, event_broker=None, host=None, **_: Any) -> SQLTrackerStore:  # type: ignore[misc]
        # Every `rasa run` builds its tracker store first: the Rasa server's startup check.
        require_real_secrets(RASA_SERVER_SECRETS)
        logs.install()  # built when the model loads, before the first message is handled
        action_response_check.install()
        event_types.install()
        action_connections.install()
        store_failures.install()
        arguments = sql_store_arguments(load_settings().tracker_db_url)
        store = PrivateSQLTrackerStore(domain=domain, event_broker=None, **arguments)
        if arguments["dialect"] == "sqlite":
            store.engine.dispose()
            store.engine = pooled_sqlite_engine(store.engine.url)
            store.sessionmaker = sqlalchemy.orm.sessionmaker(bind=store.engine)
        else:
            # A connection the pool kept across a database restart is tested before use
            # (a cheap SELECT 1) instead of failing the person's message.
            url = store.engine.url
            store.engine.dispose()
            store.engine = sqlalchemy.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
            store.sessionmaker = sqlalchemy.orm.sessionmaker(bind=store.engine)
        return store


def pooled_sqlite_engine(url: Any) -> Any:
    """The SQLite tracker store's engine: connections kept open and reused, with bot/sqlite.py's
    pragmas. SQLAlchemy 1.4 (Rasa 3.6's) opens and closes a file database's connection for every
    session, twice a message at least, each time repeating the pragmas."""
    # Rasa's sessions run on the event loop's thread; the pool may hand a connection to
    # another thread only after it was returned, which sqlite3 allows with this flag.
    engine = sqlalchemy.create_engine(
        url, poolclass=sqlalchemy.pool.QueuePool, pool_size=2, max_overflow=8,
        connect_args={**sqlite.connect_arguments(), "check_same_thread": False},
    )
    sqlite.use_pragmas(engine)
    return engine


class ForgivingRedisLockStore(RedisLockStore):
    """Rasa's Redis lock store, except that releasing a conversation's lock may fail quietly.

    Rasa releases the lock in a `finally` after the turn has been answered and saved. With Redis
    briefly down at that moment, the release raised, the channel told the person their message
    had failed although it had gone through, and the person's retry was then taken as their next
    answer (an answer off the script; tests/e2e/test_load_production.py). The lock left behind
    expires by itself after TICKET_LOCK_LIFETIME (15 s). Taking a lock is not forgiven: a
    message that cannot be locked fails as before, and the person is told so."""

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        try:
            super().cleanup(conversation_id, ticket_number)
        except Exception as error:  # the turn is done; the lock expires on its own
            logger.warning(
                "lock store: a conversation's lock could not be released (%s); it expires on its own",
                type(error).__name__,
            )


class EnvLockStore:
    """Factory: Redis when LOCK_STORE_URL is set, else in memory (one process)."""

    def __new__(cls, endpoint_config: Optional[Any] = None, **_: Any) -> LockStore:  # type: ignore[misc]
        url = load_settings().lock_store_url
        if not url:
            return InMemoryLockStore()
        return ForgivingRedisLockStore(**redis_lock_arguments(url))
