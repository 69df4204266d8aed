"""The production profile: PostgreSQL tracker store and Redis lock store, over real connections."""

import threading
import uuid

import redis
import sqlalchemy as sa

from tests.support import expect
from tests.support.servers import conversation_id, running_servers
from tests.support.services import REDIS_URL, temporary_postgres_database


def test_conversation_with_postgres_tracker_and_redis_locks(tmp_path):
    client = redis.Redis.from_url(REDIS_URL)
    client.ping()  # fails loudly when Redis is missing
    seen_commands = []

    with temporary_postgres_database() as db_url, running_servers(tmp_path, db_url, REDIS_URL) as servers:
        monitor = client.monitor().__enter__()  # MONITOR is on once this returns
        stop = threading.Event()

        def watch():
            for command in monitor.listen():
                seen_commands.append(command["command"])
                if stop.is_set():
                    return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        me = "prod-" + uuid.uuid4().hex[:8]
        replies = servers.say(me, "/greet", lang="ru")
        assert replies[0]["text"] == expect.text("utter_greet", "ru")
        replies = servers.say(me, "/ask_contacts")
        assert "+371 28612120" in replies[1]["text"]
        stop.set()
        client.ping()  # wakes the monitor loop
        watcher.join(timeout=10)

        engine = sa.create_engine(db_url)
        with engine.connect() as connection:
            stored = connection.execute(
                sa.text("SELECT COUNT(*) FROM events WHERE sender_id = :s"), {"s": conversation_id(me)}).scalar()
        engine.dispose()
        assert stored > 5
        assert servers.tracker(me)["slots"]["language"] == "ru"

    locked = conversation_id(me)
    assert any("paligs" in command and locked in command for command in seen_commands), seen_commands[:20]
