"""Releasing a conversation's lock may fail (Redis briefly down) without failing a turn that
was answered and saved; taking the lock still fails loudly."""

import asyncio

import pytest
from rasa.core.lock_store import LockError
from redis.exceptions import ConnectionError as RedisDown

from bot.server.stores import ForgivingRedisLockStore


class FlakyRedis:
    """Enough of redis.StrictRedis for the lock store, that can go down at any moment."""

    def __init__(self):
        self.values, self.down = {}, False

    def _check(self):
        if self.down:
            raise RedisDown("Connection refused")

    def get(self, key):
        self._check()
        return self.values.get(key)

    def set(self, key, value):
        self._check()
        self.values[key] = value

    def delete(self, key):
        self._check()
        return 1 if self.values.pop(key, None) is not None else 0


@pytest.fixture
def store():
    store = ForgivingRedisLockStore(host="127.0.0.1", port=1)  # never connected: .red is replaced
    store.red = FlakyRedis()
    return store


def turn(store, fail_at):
    async def run():
        if fail_at == "before":
            store.red.down = True
        async with store.lock("web-1", lock_lifetime=15):
            if fail_at == "during":
                store.red.down = True  # after the turn is saved, before the release
        return "answered"

    return asyncio.run(run())


def test_a_release_that_fails_does_not_fail_the_answered_turn(store, caplog):
    assert turn(store, "during") == "answered"
    assert "could not be released" in caplog.text and "web-1" not in caplog.text
    store.red.down = False
    assert store.get_lock("web-1") is not None  # left behind, to expire after its lifetime


def test_a_lock_that_cannot_be_taken_still_fails_the_message(store):
    with pytest.raises(LockError):
        turn(store, "before")


def test_a_normal_turn_releases_its_lock(store):
    assert turn(store, None) == "answered"
    assert store.red.values == {}
