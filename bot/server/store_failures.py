"""A conversation whose tracker store fails is answered with an apology, never restarted.

Rasa 3.6 wraps the tracker store in FailSafeTrackerStore: a failed read returns no
conversation, so Rasa starts a new one (in the default language, before consent, the
self-check forgotten), and a failed save goes to an in-memory store that one replica
alone sees. A load test that restarted PostgreSQL for two seconds found people answered
in Latvian in the middle of a Russian conversation. Here a failure propagates instead:
the channel answers "I cannot answer right now" with 112 and the hotline (also when a
failed save follows replies already made: ConversationNotSaved), and the person's next
message finds the conversation where it was.

Version sync point: written against rasa 3.6.21 (requirements/bot.txt).
tests/bot/test_store_failures.py fails if Rasa changes the methods replaced here.
"""

from __future__ import annotations

import logging
from typing import Optional

from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

class ConversationNotSaved(RuntimeError):
    """A turn was answered but could not be saved. Its replies must not stand: the person's next
    message would meet the conversation as it was before them. The channels answer with the
    apology instead, and the person sends the message again."""


# Rasa's own methods, kept for the version check.
RASA_RETRIEVE = FailSafeTrackerStore.retrieve
RASA_SAVE = FailSafeTrackerStore.save


async def retrieve(self: FailSafeTrackerStore, sender_id: str) -> Optional[DialogueStateTracker]:
    try:
        return await self._tracker_store.retrieve(sender_id)
    except Exception as error:
        # the error's type only: its text can hold the conversation's events
        logger.error("the tracker store could not read a conversation: %s", type(error).__name__)
        raise


async def save(self: FailSafeTrackerStore, tracker: DialogueStateTracker) -> None:
    try:
        await self._tracker_store.save(tracker)
    except Exception as error:
        logger.error("the tracker store could not save a conversation: %s", type(error).__name__)
        raise ConversationNotSaved(type(error).__name__) from error


def install() -> None:
    """Idempotent; called when the Rasa server starts (bot/server/stores.py)."""
    FailSafeTrackerStore.retrieve = retrieve  # type: ignore[method-assign]
    FailSafeTrackerStore.save = save  # type: ignore[method-assign]


def installed() -> bool:
    return FailSafeTrackerStore.retrieve is retrieve and FailSafeTrackerStore.save is save
