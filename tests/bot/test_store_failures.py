"""A failing tracker store fails the message; it never starts the conversation over."""

import asyncio
import inspect

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.server import store_failures
from bot.server.store_failures import RASA_RETRIEVE, RASA_SAVE, ConversationNotSaved


class BrokenStore(InMemoryTrackerStore):
    """The database went away."""

    async def retrieve(self, sender_id):
        raise ConnectionError("server closed the connection unexpectedly")

    async def save(self, tracker):
        raise ConnectionError("server closed the connection unexpectedly")


def _tracker():
    return DialogueStateTracker.from_events("conv-1", [SlotSet("language", "ru")])


def test_a_failed_read_or_save_raises_and_nothing_goes_to_memory():
    store_failures.install()
    store = FailSafeTrackerStore(BrokenStore(Domain.empty()))
    with pytest.raises(ConnectionError):
        asyncio.run(store.retrieve("conv-1"))
    with pytest.raises(ConversationNotSaved) as raised:
        asyncio.run(store.save(_tracker()))
    assert isinstance(raised.value.__cause__, ConnectionError)
    assert store._fallback_tracker_store is None  # no in-memory copy that one replica alone would see


def test_a_working_store_is_used_as_before():
    store_failures.install()
    store = FailSafeTrackerStore(InMemoryTrackerStore(Domain.empty()))
    asyncio.run(store.save(_tracker()))
    assert [event.value for event in asyncio.run(store.retrieve("conv-1")).events] == ["ru"]
    assert asyncio.run(store.retrieve("conv-unknown")) is None


def test_rasas_own_methods_still_fall_back_the_way_we_replace():
    # version sync point: Rasa 3.6.21 swallows the error (a new conversation, an in-memory save)
    store = FailSafeTrackerStore(BrokenStore(Domain.empty()))
    assert asyncio.run(RASA_RETRIEVE(store, "conv-1")) is None
    asyncio.run(RASA_SAVE(store, _tracker()))
    assert store.fallback_tracker_store.store  # the in-memory copy we refuse to make
    assert "return None" in inspect.getsource(RASA_RETRIEVE)
    assert "fallback_tracker_store.save" in inspect.getsource(RASA_SAVE)


def test_install_is_idempotent():
    store_failures.install()
    store_failures.install()
    assert store_failures.installed()
